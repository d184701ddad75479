import "server-only";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { getEnv } from "@/lib/env";
import type { ParseTask, PdfTextOutcome, XlsxSheetOutcome } from "./worker";

/**
 * The pool of worker threads that parse untrusted files (worker.ts). Each thread has a heap
 * limit (PARSE_WORKER_MAX_HEAP_MB); a task has a wall-clock limit, after which its thread
 * is terminated from outside (pdf.js and the spreadsheet reader run synchronously for long
 * stretches, so a timer inside the parsing thread would not fire). The worker file is
 * loaded by Node at run time (with its type stripping), not bundled: it is found from the
 * project's root, the directory the portal runs in.
 */

export type ParseFailure = "timeout" | "out_of_memory" | "failed";

export class ParseWorkerError extends Error {
  readonly failure: ParseFailure;
  constructor(failure: ParseFailure, cause?: unknown) {
    super(`Parsing in a worker thread failed: ${failure}`, { cause });
    this.name = "ParseWorkerError";
    this.failure = failure;
  }
}

const poolKey = Symbol.for("lab-portal.parse-pool");
type PoolCache = { [poolKey]?: Piscina };

function workerFile(): string {
  // The portal runs from its project directory (npm start, e2e, tests); a bundler must
  // not rewrite this path, so it is put together at run time.
  const root = process.cwd();
  return pathToFileURL(path.join(root, "lib", "parse-worker", "worker.ts")).href;
}

function pool(): Piscina {
  const cache = globalThis as PoolCache;
  if (!cache[poolKey]) {
    const env = getEnv();
    cache[poolKey] = new Piscina({
      filename: workerFile(),
      minThreads: 0,
      maxThreads: env.PARSE_WORKERS,
      // A thread is kept a few seconds for the next file (of a batch), then let go with its
      // memory: each one holds pdf.js and a heap of its own, tens of MB.
      idleTimeout: 10_000,
      maxQueue: 100,
      // Plain Node, whatever loader the parent runs under (tsx's would compile pdf.js again
      // in every thread, past its heap limit): the worker needs only Node's type stripping.
      execArgv: [],
      resourceLimits: {
        maxOldGenerationSizeMb: env.PARSE_WORKER_MAX_HEAP_MB,
        maxYoungGenerationSizeMb: 16,
        stackSizeMb: 4,
      },
    });
  }
  return cache[poolKey];
}

function failureOf(error: unknown): ParseFailure {
  if (error instanceof Error && error.name === "AbortError") return "timeout";
  if ((error as { code?: unknown } | null)?.code === "ERR_WORKER_OUT_OF_MEMORY") return "out_of_memory";
  return "failed";
}

/**
 * Runs one task in the pool within `timeoutMs` (queueing included). The bytes are copied
 * once and the copy moved to the thread. Throws a ParseWorkerError when the thread ran out
 * of time or memory or could not run.
 */
export async function runParseTask(task: ParseTask & { kind: "pdf_text" }, timeoutMs: number): Promise<PdfTextOutcome>;
export async function runParseTask(
  task: ParseTask & { kind: "xlsx_sheet" },
  timeoutMs: number,
): Promise<XlsxSheetOutcome>;
export async function runParseTask(task: ParseTask, timeoutMs: number): Promise<PdfTextOutcome | XlsxSheetOutcome> {
  const bytes = new Uint8Array(task.bytes.byteLength);
  bytes.set(task.bytes);
  try {
    return (await pool().run(
      { ...task, bytes },
      { signal: AbortSignal.timeout(timeoutMs), transferList: [bytes.buffer] },
    )) as PdfTextOutcome | XlsxSheetOutcome;
  } catch (error) {
    throw new ParseWorkerError(failureOf(error), error);
  }
}

/** Test helper: closes the pool's threads (a new pool starts on the next task). */
export async function closeParsePool(): Promise<void> {
  const cache = globalThis as PoolCache;
  const current = cache[poolKey];
  delete cache[poolKey];
  await current?.destroy();
}
