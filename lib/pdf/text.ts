import "server-only";

/**
 * A PDF's text, read on the server with pdf.js's Node build. Bounded in every direction a
 * hostile or merely huge PDF could push: the pages read, the characters kept, and the
 * time taken (the document is destroyed when it runs out). Never throws: a PDF that
 * cannot be read is "unreadable", with a reason.
 */

export type PdfTextLimits = {
  /** Pages read from the start; later pages are not looked at. */
  maxPages: number;
  /** Characters kept; reading stops once this many are collected. */
  maxChars: number;
  /** Time for the whole extraction, opening included. */
  timeoutMs: number;
};

export const DEFAULT_TEXT_LIMITS: PdfTextLimits = { maxPages: 10, maxChars: 200_000, timeoutMs: 5_000 };

export type PdfText =
  /** Text was found on the pages read. */
  | { kind: "text"; text: string; pagesRead: number; pageCount: number; truncated: boolean }
  /** The pages read carry no text at all: a scanned image, for instance. */
  | { kind: "no_text"; pagesRead: number; pageCount: number }
  /** pdf.js could not open it, or ran out of time. */
  | { kind: "unreadable"; reason: "timeout" | "invalid" | "encrypted" };

type PdfjsModule = typeof import("pdfjs-dist/legacy/build/pdf.mjs");

let pdfjsModule: Promise<PdfjsModule> | null = null;

function loadPdfjs(): Promise<PdfjsModule> {
  pdfjsModule ??= import("pdfjs-dist/legacy/build/pdf.mjs").catch((error: unknown) => {
    pdfjsModule = null;
    throw error;
  });
  return pdfjsModule;
}

class TextTimeout extends Error {
  constructor() {
    super("Reading the PDF's text took too long.");
    this.name = "TextTimeout";
  }
}

/** The text of the first `maxPages` pages of a PDF, within the limits. */
export async function extractPdfText(bytes: Uint8Array, limits: PdfTextLimits = DEFAULT_TEXT_LIMITS): Promise<PdfText> {
  let pdfjs: PdfjsModule;
  try {
    pdfjs = await loadPdfjs();
  } catch {
    return { kind: "unreadable", reason: "invalid" };
  }
  // pdf.js may take ownership of the buffer it is given, and refuses a Node Buffer: it reads
  // a plain copy.
  const data = new Uint8Array(bytes.byteLength);
  data.set(bytes);
  const task = pdfjs.getDocument({
    data,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  const deadline = Date.now() + limits.timeoutMs;
  // pdf.js in Node runs on this thread (its "fake worker"), largely in promise callbacks: the
  // timer below only fires when it yields, so the page loop also checks the deadline and
  // gives the event loop a turn between pages.
  const checkDeadline = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (Date.now() > deadline) throw new TextTimeout();
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TextTimeout()), limits.timeoutMs);
  });
  const read = async (): Promise<PdfText> => {
    const doc = await task.promise;
    await checkDeadline();
    const pageCount = doc.numPages;
    const pagesToRead = Math.min(pageCount, limits.maxPages);
    const parts: string[] = [];
    let length = 0;
    let truncated = pageCount > pagesToRead;
    let pagesRead = 0;
    for (let n = 1; n <= pagesToRead && length < limits.maxChars; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      page.cleanup();
      await checkDeadline();
      pagesRead = n;
      for (const item of content.items) {
        if (!("str" in item)) continue;
        // Items are joined with a space (a line end with a newline): an id drawn as two
        // items stays readable, and two words never run together.
        const piece = `${item.str}${item.hasEOL ? "\n" : " "}`;
        parts.push(piece);
        length += piece.length;
        if (length >= limits.maxChars) {
          truncated = true;
          break;
        }
      }
      parts.push("\n");
    }
    const text = parts.join("").slice(0, limits.maxChars);
    if (text.trim() === "") return { kind: "no_text", pagesRead, pageCount };
    return { kind: "text", text, pagesRead, pageCount, truncated };
  };
  try {
    return await Promise.race([read(), timeout]);
  } catch (error) {
    if (error instanceof TextTimeout) return { kind: "unreadable", reason: "timeout" };
    if (error instanceof Error && error.name === "PasswordException")
      return { kind: "unreadable", reason: "encrypted" };
    return { kind: "unreadable", reason: "invalid" };
  } finally {
    clearTimeout(timer);
    await task.destroy().catch(() => undefined);
  }
}
