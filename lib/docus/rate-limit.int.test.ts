import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { docusRateLimits } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { SPACING_MARGIN_MS, createDocusRateLimiter, maxRequestsInWindow, spacingMs } from "./rate-limit";

describe("the limiter's arithmetic", () => {
  it("spaces requests so that no 60-second window holds more than the per-minute limit", () => {
    for (const perMinute of [1, 5, 7, 60, 100]) {
      const gap = spacingMs(perMinute);
      expect(gap).toBe(Math.ceil(60_000 / perMinute) + SPACING_MARGIN_MS);
      expect(maxRequestsInWindow(gap, 60_000)).toBeLessThanOrEqual(perMinute);
      // Not much more cautious than it needs to be: the margin costs a few requests a minute at most.
      expect(maxRequestsInWindow(gap, 60_000)).toBeGreaterThanOrEqual(Math.floor(perMinute * 0.95));
    }
  });

  it("counts the requests of evenly spaced sends in any window", () => {
    // Requests at 0, 12.05, 24.1, ... s: a window [t, t + 60 s) holds at most 5.
    const gap = spacingMs(5);
    const times = Array.from({ length: 12 }, (_, i) => i * gap);
    for (const start of times)
      expect(times.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(5);
    expect(maxRequestsInWindow(gap, 60_000)).toBe(5);
  });
});

describe("the shared limit in PostgreSQL", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await t.db.delete(docusRateLimits);
  });

  it("a second request right after the first waits for the spacing, on any instance", async () => {
    // Two instances: two limiters on one database.
    const a = createDocusRateLimiter(t.db, { perMinute: 60, perHour: 1000 });
    const b = createDocusRateLimiter(t.db, { perMinute: 60, perHour: 1000 });
    expect(await a.take()).toEqual({ ok: true });
    const refused = await b.take();
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.waitMs).toBeGreaterThan(0);
      expect(refused.waitMs).toBeLessThanOrEqual(spacingMs(60));
    }
    await new Promise((resolve) => setTimeout(resolve, spacingMs(60) + 20));
    expect(await b.take()).toEqual({ ok: true });
  });

  it("the hourly budget, once spent, says to wait about an hour", async () => {
    const limiter = createDocusRateLimiter(t.db, { perMinute: 6000, perHour: 3 });
    for (let i = 0; i < 3; i++) {
      expect(await limiter.take()).toEqual({ ok: true });
      await new Promise((resolve) => setTimeout(resolve, spacingMs(6000) + 5));
    }
    const refused = await limiter.take();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.waitMs).toBeGreaterThan(3_590_000);
  });

  it("a pause (Docus's 429) holds every instance back for its length", async () => {
    const a = createDocusRateLimiter(t.db, { perMinute: 6000, perHour: 1000 });
    const b = createDocusRateLimiter(t.db, { perMinute: 6000, perHour: 1000 });
    await a.pause(2_000);
    const refused = await b.take();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.waitMs).toBeGreaterThan(1_500);
  });

  it("reports the shared budget's use to any instance: this hour's count, and the wait Docus asked for", async () => {
    const a = createDocusRateLimiter(t.db, { perMinute: 6000, perHour: 1000 });
    const b = createDocusRateLimiter(t.db, { perMinute: 6000, perHour: 1000 });
    const before = await b.usage();
    for (let i = 0; i < 2; i++) {
      expect(await a.take()).toEqual({ ok: true });
      await new Promise((resolve) => setTimeout(resolve, spacingMs(6000) + 5));
    }
    const after = await b.usage();
    expect(after.usedThisHour).toBe(before.usedThisHour + 2);
    expect(after.hourResetsInMs).toBeGreaterThan(3_500_000);
    expect(after.hourResetsInMs).toBeLessThanOrEqual(3_600_000);
    await a.pause(5_000);
    const paused = await b.usage();
    expect(paused.nextFreeInMs).toBeGreaterThan(4_000);
    expect(paused.usedThisHour).toBe(after.usedThisHour);
  });
});
