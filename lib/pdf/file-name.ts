/**
 * File names that arrive (uploads, Docus deliveries) and names that leave (downloads).
 * No imports: the simulator loads this file with Node's type stripping.
 */

/**
 * C0 and C1 controls, and the invisible characters that reorder or hide text: bidi marks,
 * embeddings, overrides and isolates (so that "invoice\u202Efdp.exe" cannot display as
 * "invoiceexe.pdf"), zero-width characters and the byte-order mark.
 */
const CONTROL_OR_INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Characters that file systems or the Content-Disposition header treat specially. */
const RESERVED = /["*:<>?|]/g;
const FILE_NAME_MAX = 150;

/**
 * The one file-name sanitiser, for names that arrive (uploads, Docus deliveries) and names
 * that leave (downloads): the last path segment, without control or invisible characters,
 * no leading dots, at most 150 characters, ending in .pdf (unless `pdfExtension` is false:
 * an upload's name is echoed in messages before it is known to be a PDF); `fallback` when
 * nothing is left.
 */
export function sanitizeFileName(name: string, fallback = "document.pdf", { pdfExtension = true } = {}): string {
  const segment = name.replace(LONE_SURROGATE, "").normalize("NFC").split(/[/\\]/).pop() ?? "";
  const cleaned = segment.replace(CONTROL_OR_INVISIBLE, "").replace(RESERVED, "_").trim().replace(/^\.+/, "").trim();
  if (cleaned === "") return fallback;
  const withExtension = !pdfExtension || /\.pdf$/i.test(cleaned) ? cleaned : `${cleaned}.pdf`;
  const characters = Array.from(withExtension);
  if (characters.length <= FILE_NAME_MAX) return withExtension;
  const extension = /\.[A-Za-z0-9]{1,8}$/.exec(withExtension)?.[0] ?? "";
  return `${characters
    .slice(0, FILE_NAME_MAX - extension.length)
    .join("")
    .trimEnd()}${extension}`;
}

/**
 * Text (a reference id) as part of a generated file name: anything but ASCII letters,
 * digits, ".", "_" and "-" becomes "_".
 */
export function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_");
}
