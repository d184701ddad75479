import { PDF_CONTENT_SECURITY_POLICY } from "@/lib/security-headers";

/**
 * A PDF response that is safe to hand to a browser: a sanitised RFC 6266 file name,
 * never cached, never sniffed, and sandboxed so that a hostile PDF's scripts
 * or forms get no origin.
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

export function contentDisposition(kind: "inline" | "attachment", fileName: string): string {
  const safe = sanitizeFileName(fileName);
  const ascii = safe.replace(/[^\x20-\x7e]/g, "_").replace(/%/g, "_");
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function pdfResponse(bytes: Uint8Array, fileName: string, kind: "inline" | "attachment"): Response {
  const headers: Record<string, string> = {
    "Content-Type": "application/pdf",
    "Content-Length": String(bytes.byteLength),
    "Content-Disposition": contentDisposition(kind, fileName),
    "Cache-Control": "no-store, private",
    "X-Content-Type-Options": "nosniff",
  };
  headers["Content-Security-Policy"] = PDF_CONTENT_SECURITY_POLICY;
  return new Response(new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), { status: 200, headers });
}
