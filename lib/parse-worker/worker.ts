import { checkInflatedStreams } from "./pdf-streams.ts";

/**
 * The worker thread that parses untrusted files: a PDF's text (pdf.js) and an XLSX
 * manifest's first sheet (read-excel-file). It runs in a pool (see pool.ts) with a heap
 * limit, and the pool terminates it when a file's time is up, so that a hostile file costs
 * this thread, never the server's event loop. No imports of the portal's own modules and
 * nothing but erasable TypeScript: Node loads this file with its type stripping.
 */

export type PdfTextTask = {
  kind: "pdf_text";
  bytes: Uint8Array;
  maxPages: number;
  maxChars: number;
  /** What one non-image Flate stream, and all of them, may inflate to. */
  maxStreamBytes: number;
  maxInflatedBytes: number;
};

export type XlsxSheetTask = { kind: "xlsx_sheet"; bytes: Uint8Array; maxRows: number };

export type ParseTask = PdfTextTask | XlsxSheetTask;

export type PdfTextOutcome =
  | { kind: "text"; text: string; pagesRead: number; pageCount: number; truncated: boolean }
  | { kind: "no_text"; pagesRead: number; pageCount: number }
  | { kind: "unreadable"; reason: "too_large" | "invalid" | "encrypted" };

export type SheetCell = string | number | boolean | Date | null;

export type XlsxSheetOutcome =
  { kind: "table"; rows: SheetCell[][] } | { kind: "too_many_rows"; rows: number } | { kind: "unreadable" };

type PdfjsModule = typeof import("pdfjs-dist/legacy/build/pdf.mjs");

let pdfjsModule: Promise<PdfjsModule> | null = null;

async function extractText(task: PdfTextTask): Promise<PdfTextOutcome> {
  const streams = await checkInflatedStreams(task.bytes, {
    maxStreamBytes: task.maxStreamBytes,
    maxTotalBytes: task.maxInflatedBytes,
  });
  if (!streams.ok) return { kind: "unreadable", reason: "too_large" };
  pdfjsModule ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  const pdfjs = await pdfjsModule;
  // pdf.js 6 compiles no code from a PDF (its isEvalSupported option is gone with the eval
  // path it switched off), and fonts are not loaded into a page here (disableFontFace).
  // pdf.js may take ownership of the buffer it is given, and refuses a Node Buffer: the
  // task's bytes are this thread's own (moved here by the pool, a plain Uint8Array after
  // the move), so they are handed over as they are, not copied a second time.
  const loading = pdfjs.getDocument({
    data: task.bytes,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    const doc = await loading.promise;
    const pageCount = doc.numPages;
    const pagesToRead = Math.min(pageCount, task.maxPages);
    const parts: string[] = [];
    let length = 0;
    let truncated = pageCount > pagesToRead;
    let pagesRead = 0;
    for (let n = 1; n <= pagesToRead && length < task.maxChars; n++) {
      const page = await doc.getPage(n);
      // Streamed: the items past the character limit are let go as they come, so a page
      // of millions of text items is never held whole. (Cancelling pdf.js's stream makes
      // it fail later on a closed controller; the wall clock bounds the rest.)
      const reader = page.streamTextContent().getReader();
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        if (length >= task.maxChars) continue;
        for (const item of (chunk.value as { items: Array<{ str?: string; hasEOL?: boolean }> }).items) {
          if (typeof item.str !== "string") continue;
          // Items are joined with a space (a line end with a newline): an id drawn as two
          // items stays readable, and two words never run together.
          const piece = `${item.str}${item.hasEOL ? "\n" : " "}`;
          parts.push(piece);
          length += piece.length;
          if (length >= task.maxChars) {
            truncated = true;
            break;
          }
        }
      }
      page.cleanup();
      pagesRead = n;
      parts.push("\n");
    }
    const text = parts.join("").slice(0, task.maxChars);
    if (text.trim() === "") return { kind: "no_text", pagesRead, pageCount };
    return { kind: "text", text, pagesRead, pageCount, truncated };
  } catch (error) {
    if (error instanceof Error && error.name === "PasswordException")
      return { kind: "unreadable", reason: "encrypted" };
    return { kind: "unreadable", reason: "invalid" };
  } finally {
    await loading.destroy().catch(() => undefined);
  }
}

async function readSheet(task: XlsxSheetTask): Promise<XlsxSheetOutcome> {
  const { readSheet: read } = await import("read-excel-file/universal");
  const buffer = task.bytes.buffer.slice(task.bytes.byteOffset, task.bytes.byteOffset + task.bytes.byteLength);
  let rows: SheetCell[][];
  try {
    rows = (await read(buffer as ArrayBuffer)) as SheetCell[][];
  } catch {
    return { kind: "unreadable" };
  }
  if (rows.length > task.maxRows) return { kind: "too_many_rows", rows: rows.length };
  return { kind: "table", rows };
}

export default async function parse(task: ParseTask): Promise<PdfTextOutcome | XlsxSheetOutcome> {
  return task.kind === "pdf_text" ? extractText(task) : readSheet(task);
}
