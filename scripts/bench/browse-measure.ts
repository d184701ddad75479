import { performance } from "node:perf_hooks";

/** Closed-loop load: a fixed number of workers, each starting its next operation when the last one ends. */

export type LoadOptions = {
  operations: number;
  warmup: number;
  concurrency: number;
  /** No new timed operation starts after this long; those in flight still count. */
  maxMs: number;
  /** The same limit for the warm-up. */
  warmupMaxMs: number;
};

export type LoadResult = {
  /** Latency of each timed operation, in milliseconds, in completion order. */
  latencies: number[];
  /** What each timed operation reported (e.g. how many patients matched). */
  sizes: number[];
  wallMs: number;
  /** Whether the time limit ended the timed phase before all operations ran. */
  stoppedByTimeLimit: boolean;
};

async function drive(
  count: number,
  offset: number,
  limits: { concurrency: number; maxMs: number },
  operation: (index: number) => Promise<number>,
  record: boolean,
  into: LoadResult,
): Promise<boolean> {
  const deadline = performance.now() + limits.maxMs;
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (next < count) {
      if (performance.now() >= deadline) {
        stopped = true;
        return;
      }
      const index = offset + next;
      next += 1;
      const started = performance.now();
      const size = await operation(index);
      const elapsed = performance.now() - started;
      if (record) {
        into.latencies.push(elapsed);
        into.sizes.push(size);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limits.concurrency, count) }, worker));
  return stopped;
}

/**
 * Runs `warmup` untimed operations, then `operations` timed ones, `concurrency` at a
 * time, each phase within its time limit. Operation i gets index i (warm-up first), so
 * each one can pick a different input.
 */
export async function runLoad(
  operation: (index: number) => Promise<number>,
  options: LoadOptions,
): Promise<LoadResult> {
  const result: LoadResult = { latencies: [], sizes: [], wallMs: 0, stoppedByTimeLimit: false };
  await drive(
    options.warmup,
    0,
    { concurrency: options.concurrency, maxMs: options.warmupMaxMs },
    operation,
    false,
    result,
  );
  const started = performance.now();
  result.stoppedByTimeLimit = await drive(
    options.operations,
    options.warmup,
    { concurrency: options.concurrency, maxMs: options.maxMs },
    operation,
    true,
    result,
  );
  result.wallMs = performance.now() - started;
  return result;
}

/** A small seeded generator (mulberry32), so that every run draws the same inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type NameFragment = { text: string; kind: "prefix" | "infix" };

/**
 * A name fragment of 3 to 6 letters as a person would type it: usually the start of the
 * family or given name, sometimes (1 in 5) letters from inside it, which only the trigram
 * similarity can find.
 */
export function nameFragment(random: () => number, givenName: string, familyName: string): NameFragment {
  const words = `${random() < 0.6 ? familyName : givenName}`.split(/[\s']+/).filter((word) => word.length >= 3);
  const word = words[Math.floor(random() * words.length)] ?? (familyName.length >= 3 ? familyName : givenName);
  const length = Math.min(word.length, 3 + Math.floor(random() * 4));
  const infix = random() < 0.2 && word.length > length;
  const start = infix ? 1 + Math.floor(random() * (word.length - length)) : 0;
  return { text: word.slice(start, start + length).toLowerCase(), kind: infix ? "infix" : "prefix" };
}
