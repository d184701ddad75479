import "server-only";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "@/db";
import { docusRateLimits } from "@/db/schema";
import { getEnv } from "@/lib/env";

/**
 * Docus's published limits (requests per minute and per hour, per team), counted in
 * PostgreSQL with rate-limiter-flexible so that every portal instance on the database
 * takes from the same budget.
 *
 * Per minute, the limit is kept as a spacing: one request per `60 / perMinute` seconds
 * (plus a small margin for the network), so that no 60-second window, wherever it starts,
 * holds more than `perMinute` requests. A fixed one-minute window would let a burst at the
 * end of one window and another at the start of the next put twice the limit into one
 * minute. Per hour the limit is a fixed window of `perHour` requests (starting with the
 * window's first request); at 100 a minute, the spacing alone already spreads a burst.
 */

export type DocusLimits = { perMinute: number; perHour: number };

/** Added to the spacing so that requests that leave us `60 / perMinute` s apart cannot arrive closer. */
export const SPACING_MARGIN_MS = 20;

/** The gap between two requests that keeps every 60-second window at `perMinute` or fewer. */
export function spacingMs(perMinute: number): number {
  return Math.ceil(60_000 / perMinute) + SPACING_MARGIN_MS;
}

/**
 * The most requests that spacing `gapMs` lets into any window of `windowMs` (a half-open
 * window [t, t + windowMs)): the arithmetic that the per-minute promise rests on.
 */
export function maxRequestsInWindow(gapMs: number, windowMs: number): number {
  return Math.ceil(windowMs / gapMs);
}

export type Permit = { ok: true } | { ok: false; waitMs: number };

export type DocusRateLimiter = {
  /** Takes one request from the shared budget, or says how long until one is free. */
  take(): Promise<Permit>;
  /** Docus itself asked to wait (a 429): nobody sends before `ms` from now. */
  pause(ms: number): Promise<void>;
  /** The shared budget's current use, for the Docus connection page (reads only). */
  usage(): Promise<DocusRateUse>;
};

export type DocusRateUse = {
  /** Requests taken in the current hour's window, and when that window ends (ms from now; 0 = no window open). */
  usedThisHour: number;
  hourResetsInMs: number;
  /** How long until the next request may go (the spacing, or a pause Docus asked for). */
  nextFreeInMs: number;
};

const SPACING_KEY = "docus:spacing";
const HOUR_KEY = "docus:hour";

export function createDocusRateLimiter(db: Db, limits: DocusLimits): DocusRateLimiter {
  const common = { storeClient: db, schema: docusRateLimits, clearExpiredByTimeout: false };
  const spacing = new RateLimiterDrizzle({ ...common, points: 1, duration: spacingMs(limits.perMinute) / 1000 });
  const hour = new RateLimiterDrizzle({ ...common, points: limits.perHour, duration: 3600 });
  const refused = (error: unknown): number => {
    if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
    throw error;
  };
  return {
    async take() {
      try {
        await spacing.consume(SPACING_KEY, 1);
      } catch (error) {
        return { ok: false, waitMs: refused(error) };
      }
      try {
        await hour.consume(HOUR_KEY, 1);
      } catch (error) {
        return { ok: false, waitMs: refused(error) };
      }
      return { ok: true };
    },
    async usage() {
      const [hourUse, spacingUse] = await Promise.all([hour.get(HOUR_KEY), spacing.get(SPACING_KEY)]);
      return {
        usedThisHour: hourUse?.consumedPoints ?? 0,
        hourResetsInMs: Math.max(0, hourUse?.msBeforeNext ?? 0),
        nextFreeInMs: spacingUse && spacingUse.consumedPoints > 0 ? Math.max(0, spacingUse.msBeforeNext) : 0,
      };
    },
    async pause(ms) {
      if (ms <= 0) return;
      // The spacing key's window is pushed to the end of the pause: every instance waits.
      await spacing.block(SPACING_KEY, ms / 1000);
    },
  };
}

const limiterKey = Symbol.for("lab-portal.docus-rate-limiter");
type LimiterCache = { [limiterKey]?: { db: Db; limiter: DocusRateLimiter } };

/** The process's limiter on its database, with the configured limits. */
export function docusRateLimiterFor(db: Db): DocusRateLimiter {
  const cache = globalThis as LimiterCache;
  const cached = cache[limiterKey];
  if (cached && cached.db === db) return cached.limiter;
  const env = getEnv();
  const limiter = createDocusRateLimiter(db, {
    perMinute: env.DOCUS_RATE_PER_MINUTE,
    perHour: env.DOCUS_RATE_PER_HOUR,
  });
  cache[limiterKey] = { db, limiter };
  return limiter;
}
