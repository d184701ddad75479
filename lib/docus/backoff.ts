/**
 * Retry timing for submissions to Docus: capped exponential backoff with jitter.
 *
 * Attempts are numbered from 1. `retryDelayMs(n)` is the wait after attempt n failed,
 * before attempt n + 1. Its ceiling is `min(maxMs, baseMs * 2^(n-1))`.
 */

export type RetryPolicy = {
  /** Total attempts, the first one included. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
};

/**
 * "equal" waits between half the ceiling and the ceiling, so the schedule keeps a known
 * minimum length; "full" waits anywhere between 0 and the ceiling.
 */
export type Jitter = "full" | "equal";

/**
 * With equal jitter the seven waits between eight attempts last at least
 * 7.5 + 15 + 30 + 60 + 120 + 240 + 300 s = 772.5 s (about 13 minutes), so a Docus outage
 * of ten minutes is outlived, and at most 15 + 30 + 60 + 120 + 240 + 480 + 600 s (about
 * 26 minutes) before the portal gives up. See backoff.test.ts.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 8,
  baseMs: 15_000,
  maxMs: 10 * 60_000,
});

export type RetryDelayOptions = {
  baseMs?: number;
  maxMs?: number;
  /** Returns a number in [0, 1); Math.random by default. */
  random?: () => number;
  jitter?: Jitter;
};

/** The ceiling of the wait after attempt `attempt`, before jitter. */
export function backoffCeilingMs(attempt: number, baseMs: number, maxMs: number): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // Beyond 2^52 the product is already far above any sensible cap.
  const exponential = baseMs * 2 ** Math.min(n - 1, 52);
  return Math.max(0, Math.min(maxMs, exponential));
}

export function retryDelayMs(attempt: number, opts: RetryDelayOptions = {}): number {
  const baseMs = opts.baseMs ?? DEFAULT_RETRY_POLICY.baseMs;
  const maxMs = opts.maxMs ?? DEFAULT_RETRY_POLICY.maxMs;
  const random = clampUnit((opts.random ?? Math.random)());
  const ceiling = backoffCeilingMs(attempt, baseMs, maxMs);
  if ((opts.jitter ?? "equal") === "full") {
    return Math.round(ceiling * random);
  }
  const half = ceiling / 2;
  return Math.round(half + half * random);
}

/**
 * Docus's own "wait this long" (Retry-After, or a 429 body's retry_after) is honoured up
 * to this, even past the policy's cap on our own backoff: sending earlier than asked only
 * earns another 429. An absurd value still cannot park a lab result for days.
 */
export const MAX_REQUESTED_WAIT_MS = 60 * 60_000;

/**
 * The wait before the next attempt: the backoff (at most the policy's cap), or longer when
 * Docus asked for it, up to max(policy cap, MAX_REQUESTED_WAIT_MS).
 */
export function nextAttemptDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: Readonly<RetryPolicy> = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number {
  const backoff = retryDelayMs(attempt, { baseMs: policy.baseMs, maxMs: policy.maxMs, random, jitter: "equal" });
  const requested = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
  return Math.max(backoff, Math.min(Math.max(policy.maxMs, MAX_REQUESTED_WAIT_MS), Math.ceil(requested)));
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}
