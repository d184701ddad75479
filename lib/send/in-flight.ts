/**
 * The lab results this process is sending right now (claimed, request not yet recorded).
 * Graceful shutdown waits for them and releases the leases of those it cannot wait for.
 */

const key = Symbol.for("lab-portal.sends-in-flight");
type Cache = { [key]?: Set<string> };

function inFlight(): Set<string> {
  const cache = globalThis as Cache;
  return (cache[key] ??= new Set());
}

/** Marks a send as in flight; the returned function marks it done. */
export function trackInFlight(labResultId: string): () => void {
  inFlight().add(labResultId);
  return () => inFlight().delete(labResultId);
}

export function sendsInFlight(): string[] {
  return [...inFlight()];
}
