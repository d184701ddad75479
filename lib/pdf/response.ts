import { encodeExtended } from "content-disposition";
import { PDF_CONTENT_SECURITY_POLICY } from "@/lib/security-headers";
import { sanitizeFileName } from "./file-name";

/**
 * A PDF response that is safe to hand to a browser: a sanitised RFC 6266 file name,
 * never cached, never sniffed, and sandboxed so that a hostile PDF's scripts
 * or forms get no origin.
 */

/**
 * RFC 6266: a quoted ASCII `filename` for old clients and the RFC 8187 `filename*`
 * (content-disposition's encodeExtended) with the real name, always both. The header
 * itself is put together here: content-disposition's create() writes a name that needs
 * no quoting as a bare token (`filename=a.pdf`) and then leaves out `filename*`.
 */
export function contentDisposition(kind: "inline" | "attachment", fileName: string): string {
  const safe = sanitizeFileName(fileName);
  const ascii = safe.replace(/[^\x20-\x7e]/g, "_").replace(/%/g, "_");
  return `${kind}; filename="${ascii}"; filename*=${encodeExtended(safe)}`;
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
