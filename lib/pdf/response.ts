import { PDF_CONTENT_SECURITY_POLICY } from "@/lib/security-headers";
import { sanitizeFileName } from "./file-name";

/**
 * A PDF response that is safe to hand to a browser: a sanitised RFC 6266 file name,
 * never cached, never sniffed, and sandboxed so that a hostile PDF's scripts
 * or forms get no origin.
 */

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
