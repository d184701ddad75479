import type { PDFWorker } from "pdfjs-dist";

export type PdfjsModule = typeof import("pdfjs-dist");

let pdfjsModule: Promise<PdfjsModule> | null = null;

/** pdf.js is loaded on first use only: it is large, and it needs the browser (never the server render). */
export function loadPdfjs(): Promise<PdfjsModule> {
  pdfjsModule ??= import("pdfjs-dist");
  return pdfjsModule;
}

/**
 * A dedicated pdf.js worker for one document. The bundler emits the worker as a
 * same-origin module script under /_next/static, which the CSP's `worker-src 'self'`
 * allows; nothing is fetched from a CDN.
 */
export function startWorker(pdfjs: PdfjsModule): { port: Worker; pdfWorker: PDFWorker } {
  const port = new Worker(new URL("pdfjs-dist/build/pdf.worker.min.mjs", import.meta.url), {
    type: "module",
    name: "pdfjs",
  });
  return { port, pdfWorker: pdfjs.PDFWorker.create({ port }) };
}

export function isCancellation(error: unknown): boolean {
  return error instanceof Error && (error.name === "RenderingCancelledException" || error.name === "AbortException");
}
