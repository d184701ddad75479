import "server-only";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "@/db";
import { normalizeEmail } from "@/db/queries/users";
import { signInRateLimits } from "@/db/schema";

/**
 * The sign-in throttle, on rate-limiter-flexible's drizzle store in the portal's own
 * PostgreSQL (or PGlite): every attempt consumes a point BEFORE the password is checked,
 * with one atomic upsert, so a burst of parallel guesses cannot slip past the count. A
 * successful sign-in gives the account its points back.
 */
export const ACCOUNT_LIMIT = { attempts: 5, windowSeconds: 15 * 60 } as const;
export const IP_LIMIT = { attempts: 30, windowSeconds: 60 } as const;

export type RateDecision = { limited: false } | { limited: true; retryAfterSeconds: number };

type Limiters = { account: RateLimiterDrizzle; ip: RateLimiterDrizzle };
const limitersByDb = new WeakMap<Db, Limiters>();

function limiters(db: Db): Limiters {
  let found = limitersByDb.get(db);
  if (!found) {
    const common = { storeClient: db, schema: signInRateLimits, clearExpiredByTimeout: false };
    found = {
      account: new RateLimiterDrizzle({
        ...common,
        keyPrefix: "account",
        points: ACCOUNT_LIMIT.attempts,
        duration: ACCOUNT_LIMIT.windowSeconds,
      }),
      ip: new RateLimiterDrizzle({
        ...common,
        keyPrefix: "ip",
        points: IP_LIMIT.attempts,
        duration: IP_LIMIT.windowSeconds,
      }),
    };
    limitersByDb.set(db, found);
  }
  return found;
}

async function consume(limiter: RateLimiterDrizzle, key: string): Promise<RateDecision> {
  try {
    await limiter.consume(key);
    return { limited: false };
  } catch (rejection) {
    // A refusal is a RateLimiterRes; anything else is a store failure for the caller.
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
  }
}

/**
 * Counts one sign-in attempt for this account and this address and says whether it may
 * go ahead (at most 5 per account in 15 minutes, 30 per address in a minute).
 */
export async function takeSignInAttempt(db: Db, email: string, ip: string): Promise<RateDecision> {
  const { account, ip: byIp } = limiters(db);
  const [forAccount, forIp] = await Promise.all([
    consume(account, normalizeEmail(email).slice(0, 320)),
    consume(byIp, ip.slice(0, 100)),
  ]);
  if (forAccount.limited && forIp.limited) {
    return { limited: true, retryAfterSeconds: Math.max(forAccount.retryAfterSeconds, forIp.retryAfterSeconds) };
  }
  return forAccount.limited ? forAccount : forIp;
}

/** After a successful sign-in: the account's earlier failures no longer count, nor this attempt from the address. */
export async function forgiveSignIn(db: Db, email: string, ip: string): Promise<void> {
  const { account, ip: byIp } = limiters(db);
  await Promise.all([account.delete(normalizeEmail(email).slice(0, 320)), byIp.reward(ip.slice(0, 100), 1)]);
}

export type CredentialFields = { ok: true; email: string } | { ok: false };

const SINGLE_FIELDS = ["email", "password", "csrfToken", "callbackUrl", "json"] as const;

/**
 * The email of a credentials POST, read exactly as next-auth reads the body (JSON, or a
 * URL-encoded form; anything else reaches next-auth as no credentials). A form that
 * repeats a credential field is refused: the throttle and next-auth must never count
 * different accounts.
 */
export function readCredentialFields(contentType: string | null, body: string): CredentialFields {
  const type = contentType ?? "";
  if (type.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ok: false };
    const email = (parsed as Record<string, unknown>).email;
    return { ok: true, email: typeof email === "string" ? email : "" };
  }
  if (type.includes("application/x-www-form-urlencoded")) {
    const params = new URLSearchParams(body);
    if (SINGLE_FIELDS.some((field) => params.getAll(field).length > 1)) return { ok: false };
    return { ok: true, email: params.get("email") ?? "" };
  }
  return { ok: true, email: "" };
}
