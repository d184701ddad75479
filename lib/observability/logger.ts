import { AsyncLocalStorage } from "node:async_hooks";
import { pino, stdTimeFunctions, type Logger } from "pino";
import { describeError } from "../error-chain.ts";
import { getEnv } from "../env.ts";

/**
 * The process's structured log: JSON lines on stdout (pino), at LOG_LEVEL. One logger per
 * process, kept on globalThis: the front server (plain Node) and Next.js's bundles (their
 * own module graphs) all write through it. A line written while a request is handled
 * carries that request's id (the front server runs each request in `requestContext`).
 *
 * Never log patient data: no names, patient ids, accession numbers, e-mail addresses, file
 * names or query strings. Log ids of rows, outcomes, counts and durations.
 */

export type RequestContext = { requestId: string };

const key = Symbol.for("lab-portal.observability.logger");
type State = { logger?: Logger; context?: AsyncLocalStorage<RequestContext> };

function state(): State {
  const holder = globalThis as { [key]?: State };
  return (holder[key] ??= {});
}

/** The request being handled (set by the front server around Next.js's handler). */
export function requestContext(): AsyncLocalStorage<RequestContext> {
  return (state().context ??= new AsyncLocalStorage<RequestContext>());
}

export function currentRequestId(): string | undefined {
  return requestContext().getStore()?.requestId;
}

/** A new logger writing to `destination` (stdout by default); tests pass their own. */
export function createLogger(level: string, destination: { write(line: string): void } = process.stdout): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
}

export function getLogger(): Logger {
  const current = state();
  return (current.logger ??= createLogger(getEnv().LOG_LEVEL));
}

/**
 * An error as a log field: the names and codes along its cause chain (describeError) and
 * where it was thrown (the stack's frames), never its message:
 * drizzle's query errors carry the bound parameters (patient ids, search text) in it.
 */
export function errorFields(error: unknown): { type: string; frames?: string[] } {
  const stack = error instanceof Error ? error.stack : undefined;
  const frames = stack
    ?.split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "))
    .slice(0, 12);
  return { type: describeError(error), ...(frames?.length ? { frames } : {}) };
}
