/**
 * `--smoke` on any benchmark's command line: a few iterations on a small data set, no
 * aims, done in seconds. CI runs every `bench:*` script so (scripts/bench/smoke.ts), so
 * that a benchmark that no longer runs is found at once; its figures mean nothing.
 */
export const SMOKE = process.argv.slice(2).includes("--smoke");

/** The full run's value, or the smoke run's. */
export function smokeOr<T>(full: T, smoke: T): T {
  return SMOKE ? smoke : full;
}

/** Printed where a full run prints whether an aim was met. */
export const SMOKE_VERDICT = "smoke run (no aim)";
