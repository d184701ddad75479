import "server-only";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import { ParseWorkerError, runParseTask } from "@/lib/parse-worker/pool";

/**
 * A PDF's text, read with pdf.js in a worker thread (lib/parse-worker), never on the
 * server's own thread. Bounded in every direction a hostile or merely huge PDF could push:
 * the pages read, the characters kept, what its streams inflate to (measured before pdf.js
 * decodes any), the worker's heap, and the time taken (the worker is terminated when it runs
 * out). Never throws: a PDF that cannot be read is "unreadable", with a reason.
 */

export type PdfTextLimits = {
  /** Pages read from the start; later pages are not looked at. */
  maxPages: number;
  /** Characters kept; reading stops once this many are collected. */
  maxChars: number;
  /** Time for the whole extraction, opening included (PDF_PARSE_TIMEOUT_MS). */
  timeoutMs: number;
  /** What one of the PDF's non-image Flate streams may inflate to (PDF_PARSE_MAX_STREAM_MB). */
  maxStreamMb: number;
  /** What the PDF's non-image Flate streams may inflate to in all (PDF_PARSE_MAX_INFLATED_MB). */
  maxInflatedMb: number;
};

/** The limits: 10 pages, 200,000 characters, and the configured time and inflated sizes. */
export function defaultTextLimits(): PdfTextLimits {
  const env = getEnv();
  return {
    maxPages: 10,
    maxChars: 200_000,
    timeoutMs: env.PDF_PARSE_TIMEOUT_MS,
    maxStreamMb: env.PDF_PARSE_MAX_STREAM_MB,
    maxInflatedMb: env.PDF_PARSE_MAX_INFLATED_MB,
  };
}

export type PdfText =
  /** Text was found on the pages read. */
  | { kind: "text"; text: string; pagesRead: number; pageCount: number; truncated: boolean }
  /** The pages read carry no text at all: a scanned image, for instance. */
  | { kind: "no_text"; pagesRead: number; pageCount: number }
  /**
   * pdf.js could not open it (invalid, encrypted); or it could not be read within the limits:
   * out of time, or too large (its streams inflate past the limit, or the worker's heap ran
   * out); or the worker failed.
   */
  | { kind: "unreadable"; reason: "timeout" | "too_large" | "failed" | "invalid" | "encrypted" };

/** The text of the first `maxPages` pages of a PDF, within the limits. */
export async function extractPdfText(bytes: Uint8Array, limits: Partial<PdfTextLimits> = {}): Promise<PdfText> {
  const { maxPages, maxChars, timeoutMs, maxStreamMb, maxInflatedMb } = { ...defaultTextLimits(), ...limits };
  const MB = 1024 * 1024;
  try {
    return await runParseTask(
      {
        kind: "pdf_text",
        bytes,
        maxPages,
        maxChars,
        maxStreamBytes: maxStreamMb * MB,
        maxInflatedBytes: maxInflatedMb * MB,
      },
      timeoutMs,
    );
  } catch (error) {
    if (error instanceof ParseWorkerError) {
      if (error.failure === "timeout") return { kind: "unreadable", reason: "timeout" };
      if (error.failure === "out_of_memory") return { kind: "unreadable", reason: "too_large" };
    }
    console.error(
      `[pdf] reading a PDF's text failed in its worker: ${describeError(error instanceof ParseWorkerError ? error.cause : error)}`,
    );
    return { kind: "unreadable", reason: "failed" };
  }
}
