/*
 * No imports and only erasable TypeScript: the front server (scripts/lib, lib/observability)
 * loads this file with Node's type stripping, and lib/errors.ts re-exports it.
 */

/**
 * An error as it may appear in a log: the names and codes (e.g. PostgreSQL's SQLSTATE)
 * along its cause chain, never its message. Drizzle's query errors carry the SQL and its
 * bound parameters (search text, patient ids) in the message, and drivers echo values too.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (typeof current !== "object") {
      parts.push(typeof current);
      break;
    }
    const { name, code } = current as { name?: unknown; code?: unknown };
    const label = typeof name === "string" && name !== "" ? name : "Error";
    parts.push(typeof code === "string" || typeof code === "number" ? `${label} (${code})` : label);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.length > 0 ? parts.join(" <- ") : "unknown error";
}
