/**
 * The portal's PDF checks (lib/pdf/check.ts) on plain bytes, without Node's Buffer, so that
 * the browser runs the same checks before anything is sent: `%PDF-` at byte 0, `%%EOF`
 * near the end with a `startxref`, no `/Encrypt` dictionary, and the size limit. The
 * server runs lib/pdf/check.ts again on the bytes it receives.
 */

export type FileProblemCode = "too_large" | "empty" | "not_pdf" | "truncated" | "encrypted";
export type FileProblem = { code: FileProblemCode; message: string };

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const HEADER = ascii("%PDF-");
const EOF_MARKER = ascii("%%EOF");
const STARTXREF = ascii("startxref");
const ENCRYPT = ascii("/Encrypt");
const TAIL_BYTES = 1024;

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first!, from); i !== -1 && i <= last; i = haystack.indexOf(first!, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

export function sizeProblem(fileName: string, size: number, maxUploadMb: number): FileProblem | null {
  if (size === 0) return { code: "empty", message: `${fileName} is empty.` };
  if (size > maxUploadMb * 1024 * 1024)
    return { code: "too_large", message: `${fileName} is larger than the ${maxUploadMb} MB limit.` };
  return null;
}

/** The first problem with a file's bytes, or null when it passes every check. */
export function checkPdfBytes(bytes: Uint8Array, fileName: string, maxUploadMb: number): FileProblem | null {
  const size = sizeProblem(fileName, bytes.byteLength, maxUploadMb);
  if (size) return size;
  if (bytes.length < HEADER.length || indexOf(bytes.subarray(0, HEADER.length), HEADER) !== 0)
    return { code: "not_pdf", message: `${fileName} is not a PDF (its content is not a PDF document).` };
  const tail = bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES));
  if (indexOf(tail, EOF_MARKER) === -1 || indexOf(bytes, STARTXREF) === -1)
    return {
      code: "truncated",
      message: `${fileName} is incomplete (the end of the PDF is missing). Export or scan it again.`,
    };
  if (indexOf(bytes, ENCRYPT) !== -1)
    return {
      code: "encrypted",
      message: `${fileName} is password-protected or encrypted. Save an unprotected copy and upload that.`,
    };
  return null;
}
