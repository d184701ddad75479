import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY_POLICY,
  MAX_REQUESTED_WAIT_MS,
  backoffCeilingMs,
  nextAttemptDelayMs,
  retryDelayMs,
} from "./backoff";

const lowest = () => 0;
const highest = () => 0.999_999_999;

/** The sum of the waits between the attempts of a whole schedule. */
function scheduleSpanMs(random: () => number): number {
  let total = 0;
  for (let attempt = 1; attempt < DEFAULT_RETRY_POLICY.maxAttempts; attempt++) {
    total += retryDelayMs(attempt, { ...DEFAULT_RETRY_POLICY, random });
  }
  return total;
}

describe("DEFAULT_RETRY_POLICY", () => {
  it("makes at least 5 attempts spanning at least 10 minutes even with the smallest jitter", () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThanOrEqual(5);
    const minimum = scheduleSpanMs(lowest);
    // 7.5 + 15 + 30 + 60 + 120 + 240 + 300 seconds.
    expect(minimum).toBe(772_500);
    expect(minimum).toBeGreaterThanOrEqual(10 * 60_000);
  });

  it("gives up within half an hour even with the largest jitter", () => {
    const maximum = scheduleSpanMs(highest);
    // 15 + 30 + 60 + 120 + 240 + 480 + 600 seconds, less rounding.
    expect(maximum).toBeLessThanOrEqual(1_545_000);
    expect(maximum).toBeGreaterThan(1_544_000);
    expect(maximum).toBeLessThan(30 * 60_000);
  });
});

describe("retryDelayMs", () => {
  it("doubles the ceiling per attempt up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffCeilingMs(n, 15_000, 600_000))).toEqual([
      15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000,
    ]);
  });

  it("uses equal jitter by default: between half the ceiling and the ceiling", () => {
    expect(retryDelayMs(1, { random: lowest })).toBe(7_500);
    expect(retryDelayMs(1, { random: () => 0.5 })).toBe(11_250);
    expect(retryDelayMs(3, { random: lowest })).toBe(30_000);
    expect(retryDelayMs(3, { random: highest })).toBe(60_000);
  });

  it("supports full jitter: between 0 and the ceiling", () => {
    expect(retryDelayMs(2, { random: lowest, jitter: "full" })).toBe(0);
    expect(retryDelayMs(2, { random: () => 0.5, jitter: "full" })).toBe(15_000);
  });

  it("treats odd attempt numbers and random values sanely", () => {
    expect(retryDelayMs(0, { random: lowest })).toBe(7_500);
    expect(retryDelayMs(-3, { random: lowest })).toBe(7_500);
    expect(retryDelayMs(Number.NaN, { random: lowest })).toBe(7_500);
    expect(retryDelayMs(10_000, { random: lowest })).toBe(300_000);
    expect(retryDelayMs(1, { random: () => 7 })).toBe(15_000);
    expect(retryDelayMs(1, { random: () => Number.NaN })).toBe(7_500);
  });

  it("stays within [ceiling / 2, ceiling] for any attempt and random value", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        (attempt, r, baseMs, maxMs) => {
          const ceiling = backoffCeilingMs(attempt, baseMs, maxMs);
          const delay = retryDelayMs(attempt, { baseMs, maxMs, random: () => r });
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(Math.ceil(ceiling));
          expect(ceiling).toBeLessThanOrEqual(maxMs);
        },
      ),
    );
  });

  it("never shrinks from one attempt to the next at the same jitter", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const random = () => r;
          expect(retryDelayMs(attempt + 1, { random })).toBeGreaterThanOrEqual(retryDelayMs(attempt, { random }));
        },
      ),
    );
  });
});

describe("nextAttemptDelayMs", () => {
  it("uses the backoff when Docus gives no Retry-After", () => {
    expect(nextAttemptDelayMs(2, undefined, DEFAULT_RETRY_POLICY, lowest)).toBe(15_000);
  });

  it("waits longer when Retry-After asks for it", () => {
    expect(nextAttemptDelayMs(1, 120_000, DEFAULT_RETRY_POLICY, lowest)).toBe(120_000);
  });

  it("keeps the backoff when Retry-After is shorter", () => {
    expect(nextAttemptDelayMs(4, 1_000, DEFAULT_RETRY_POLICY, lowest)).toBe(60_000);
    expect(nextAttemptDelayMs(1, 0, DEFAULT_RETRY_POLICY, lowest)).toBe(7_500);
  });

  it("honours a requested wait past the backoff's cap, up to an hour", () => {
    const quick = { maxAttempts: 6, baseMs: 1000, maxMs: 5000 };
    expect(nextAttemptDelayMs(1, 60_000, quick, lowest)).toBe(60_000);
    expect(nextAttemptDelayMs(1, 86_400_000, DEFAULT_RETRY_POLICY, lowest)).toBe(MAX_REQUESTED_WAIT_MS);
    expect(nextAttemptDelayMs(1, Number.POSITIVE_INFINITY, DEFAULT_RETRY_POLICY, lowest)).toBe(7_500);
    expect(nextAttemptDelayMs(1, -5, DEFAULT_RETRY_POLICY, lowest)).toBe(7_500);
  });

  it("is always between the backoff and the cap on requested waits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.option(fc.integer({ min: 0, max: 10 ** 9 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, retryAfterMs, r) => {
          const random = () => r;
          const delay = nextAttemptDelayMs(attempt, retryAfterMs, DEFAULT_RETRY_POLICY, random);
          expect(delay).toBeGreaterThanOrEqual(retryDelayMs(attempt, { random }));
          expect(delay).toBeLessThanOrEqual(MAX_REQUESTED_WAIT_MS);
          if (retryAfterMs !== undefined)
            expect(delay).toBe(
              Math.max(retryDelayMs(attempt, { random }), Math.min(MAX_REQUESTED_WAIT_MS, retryAfterMs)),
            );
        },
      ),
    );
  });
});
