/**
 * Cheap structural checks of an uploaded PDF, done on the bytes without parsing the
 * whole document (a 10 MB upload must not cost a full parse): the `%PDF-` header at
 * byte 0, an `%%EOF` marker near the end, a cross-reference pointer, and no
 * `/Encrypt` dictionary (an encrypted PDF cannot be interpreted).
 */

export type PdfProblem = "empty" | "not_pdf" | "truncated" | "encrypted";

export type PdfCheck = { ok: true } | { ok: false; problem: PdfProblem; message: string };

const HEADER = Buffer.from("%PDF-");
const EOF_MARKER = Buffer.from("%%EOF");
const STARTXREF = Buffer.from("startxref");
const ENCRYPT = Buffer.from("/Encrypt");
/** Writers may put a little whitespace or garbage after %%EOF. */
const TAIL_BYTES = 1024;

export function checkPdf(bytes: Uint8Array, fileName = "The file"): PdfCheck {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length === 0) return { ok: false, problem: "empty", message: `${fileName} is empty.` };
  if (buf.length < HEADER.length || !buf.subarray(0, HEADER.length).equals(HEADER)) {
    return { ok: false, problem: "not_pdf", message: `${fileName} is not a PDF (its content is not a PDF document).` };
  }
  const tail = buf.subarray(Math.max(0, buf.length - TAIL_BYTES));
  if (tail.indexOf(EOF_MARKER) === -1 || buf.lastIndexOf(STARTXREF) === -1) {
    return {
      ok: false,
      problem: "truncated",
      message: `${fileName} is incomplete (the end of the PDF is missing). Export or scan it again.`,
    };
  }
  if (buf.indexOf(ENCRYPT) !== -1) {
    return {
      ok: false,
      problem: "encrypted",
      message: `${fileName} is password-protected or encrypted. Save an unprotected copy and upload that.`,
    };
  }
  return { ok: true };
}
