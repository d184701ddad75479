import "server-only";
import { and, desc, eq, gte, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { authAttempts } from "@/db/schema";
import { normalizeEmail } from "@/db/queries/users";

export const ACCOUNT_LIMIT = { failures: 5, windowMs: 15 * 60_000 } as const;
export const IP_LIMIT = { failures: 30, windowMs: 60_000 } as const;

export type RateDecision = { limited: false } | { limited: true; retryAfterSeconds: number };

/**
 * Given the failure times within a window (any order), is the next attempt refused, and
 * for how long? Refused once `limit` failures lie within the window; it opens again when
 * the oldest of the newest `limit` failures leaves the window.
 */
export function evaluateFailures(failures: Date[], limit: number, windowMs: number, now: Date): RateDecision {
  const recent = failures
    .map((d) => d.getTime())
    .filter((t) => t > now.getTime() - windowMs && t <= now.getTime())
    .sort((a, b) => b - a);
  if (recent.length < limit) return { limited: false };
  const oldestCounted = recent[limit - 1] as number;
  const retryAfterMs = oldestCounted + windowMs - now.getTime();
  return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}

/** The newest failures matching `who` within the limit's window, judged against the limit. */
async function checkFailures(db: Db, who: SQL, limit: { failures: number; windowMs: number }, now: Date): Promise<RateDecision> {
  const rows = await db
    .select({ at: authAttempts.at })
    .from(authAttempts)
    .where(and(who, eq(authAttempts.success, false), gte(authAttempts.at, new Date(now.getTime() - limit.windowMs))))
    .orderBy(desc(authAttempts.at))
    .limit(limit.failures);
  return evaluateFailures(
    rows.map((r) => r.at),
    limit.failures,
    limit.windowMs,
    now,
  );
}

/** May this email, from this address, try to sign in now? */
export async function checkSignInRate(db: Db, email: string, ip: string, now = new Date()): Promise<RateDecision> {
  const [byAccount, byIp] = await Promise.all([
    checkFailures(db, eq(authAttempts.email, normalizeEmail(email)), ACCOUNT_LIMIT, now),
    checkFailures(db, eq(authAttempts.ip, ip), IP_LIMIT, now),
  ]);
  if (byAccount.limited && byIp.limited) {
    return { limited: true, retryAfterSeconds: Math.max(byAccount.retryAfterSeconds, byIp.retryAfterSeconds) };
  }
  return byAccount.limited ? byAccount : byIp;
}

export async function recordSignInAttempt(db: Db, email: string, ip: string, success: boolean): Promise<void> {
  await db.insert(authAttempts).values({ email: normalizeEmail(email).slice(0, 320), ip, success });
}
