import "server-only";
import type { Db } from "@/db";
import { listLabsForUser } from "@/db/queries/labs";
import {
  advanceTimeStep,
  anyLabRequiresTwoFactor,
  isAdminInAnyLab,
  clearTwoFactor,
  enableTwoFactor,
  listSpentRecoveryCodes,
  listTwoFactorFailures,
  listUnusedRecoveryCodes,
  recordTwoFactorAttempt,
  spendRecoveryCode,
  storePendingSecret,
} from "@/db/queries/two-factor";
import { getUserById } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { recordChange } from "@/lib/admin/audit-change";
import { getManageablePerson, type Outcome } from "@/lib/admin/people";
import { accountWideRefusal, type Actor } from "@/lib/admin/rules";
import { recordAudit } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/password";
import { newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, totpQrSvg, totpUri, verifyTotp } from "@/lib/totp";

/**
 * Given the failure times within a window (any order), is the next attempt refused? Once
 * `limit` failures lie within the window, until the oldest of them leaves it. (The second
 * step counts its failures from its own table, written by the same transaction that
 * judges the code; the sign-in throttle is rate-limiter-flexible's.)
 */
export function evaluateFailures(failures: Date[], limit: number, windowMs: number, now: Date): { limited: boolean } {
  const recent = failures.map((d) => d.getTime()).filter((t) => t > now.getTime() - windowMs && t <= now.getTime());
  return { limited: recent.length >= limit };
}

/** The second step's own limit: 5 wrong codes in 15 minutes lock the second step for the rest of the window. */
export const TWO_FACTOR_LIMIT = { failures: 5, windowMs: 15 * 60_000 } as const;

/**
 * Must this user use two-factor sign-in? Operators and anyone who is an admin in any lab
 * always; others when a lab of theirs says so.
 */
export async function twoFactorRequired(db: Db, user: Pick<User, "id" | "isOperator">): Promise<boolean> {
  if (user.isOperator) return true;
  if (await isAdminInAnyLab(db, user.id)) return true;
  return anyLabRequiresTwoFactor(db, user.id);
}

/** Signed in, but must enrol before doing anything else. */
export async function mustEnrolTwoFactor(db: Db, userId: string): Promise<boolean> {
  const user = await getUserById(db, userId);
  if (!user || user.totpEnabledAt) return false;
  return twoFactorRequired(db, user);
}

export type Enrolment = { secret: string; uri: string; qrSvg: string };

/** Starts (or restarts) enrolment: a new secret, not yet in force until a code confirms it. */
export async function beginEnrolment(db: Db, userId: string): Promise<Enrolment | null> {
  const user = await getUserById(db, userId);
  if (!user || user.totpEnabledAt) return null;
  const secret = newTotpSecret();
  if (!(await storePendingSecret(db, userId, secret))) return null;
  const uri = totpUri(secret, user.email);
  return { secret, uri, qrSvg: await totpQrSvg(uri) };
}

/** Confirms enrolment with a code from the app; returns the ten recovery codes, shown once. */
export async function confirmEnrolment(
  db: Db,
  userId: string,
  code: string,
): Promise<Outcome<{ recoveryCodes: string[] }>> {
  const user = await getUserById(db, userId);
  if (!user?.totpSecret || user.totpEnabledAt)
    return { ok: false, reason: "invalid", message: "Start the set-up again." };
  const step = await verifyTotp(user.totpSecret, code.replace(/\s/g, ""), null);
  if (step === null)
    return {
      ok: false,
      reason: "invalid",
      message: "That code is not right. Enter the six digits your app shows now.",
    };
  const codes = newRecoveryCodes();
  const hashes = await Promise.all(codes.map((c) => hashPassword(c)));
  const labIds = (await listLabsForUser(db, userId)).map((l) => l.id);
  const done = await db.transaction(async (tx) => {
    if (!(await enableTwoFactor(tx, userId, step, hashes))) return false;
    await recordChange(tx, {
      action: "user.two_factor_enable",
      actorId: userId,
      labIds,
      details: {
        targetUserId: userId,
        before: { twoFactor: false },
        after: { twoFactor: true, recoveryCodes: codes.length },
      },
    });
    return true;
  });
  if (!done) return { ok: false, reason: "conflict", message: "Two-factor sign-in is already on." };
  return { ok: true, recoveryCodes: codes };
}

/** An admin removes a person's second factor (lost phone): audited, and their sessions end. */
export async function resetTwoFactor(db: Db, actor: Actor, userId: string): Promise<Outcome> {
  if (userId === actor.id)
    return { ok: false, reason: "invalid", message: "Ask another admin to reset your own second factor." };
  return db.transaction(async (tx) => {
    const person = await getManageablePerson(tx, actor, userId);
    if (!person)
      return {
        ok: false,
        reason: "not_found",
        message: "That user was not found among the people you manage.",
      } as const;
    const refusal = accountWideRefusal(actor, person);
    if (refusal) return { ok: false, reason: "forbidden", message: refusal } as const;
    await clearTwoFactor(tx, person.id);
    await recordChange(tx, {
      action: "user.two_factor_reset",
      actorId: actor.id,
      labIds: person.labIds,
      details: {
        targetUserId: person.id,
        before: { twoFactor: person.totpEnabledAt !== null },
        after: { twoFactor: false, sessionsEnded: true },
      },
    });
    return { ok: true } as const;
  });
}

import type { SecondStep } from "@/lib/two-factor-messages";
export type { SecondStep };

/**
 * The second step of sign-in, after a correct password. A user without an enrolled
 * factor passes (the portal then sends them to enrol when it is required). A code is
 * six digits from the app, or one of the recovery codes, each good once.
 */
export async function checkSecondStep(
  db: Db,
  user: Pick<User, "id" | "totpSecret" | "totpEnabledAt" | "totpLastTimeStep">,
  code: unknown,
  now = new Date(),
): Promise<SecondStep> {
  if (!user.totpEnabledAt || !user.totpSecret) return "ok";
  const given = typeof code === "string" ? code.trim().slice(0, 64) : "";
  if (given === "") return "two_factor_required";
  const failures = await listTwoFactorFailures(
    db,
    user.id,
    new Date(now.getTime() - TWO_FACTOR_LIMIT.windowMs),
    TWO_FACTOR_LIMIT.failures,
  );
  if (evaluateFailures(failures, TWO_FACTOR_LIMIT.failures, TWO_FACTOR_LIMIT.windowMs, now).limited) {
    await recordAudit(db, {
      action: "auth.two_factor",
      outcome: "denied",
      userId: user.id,
      details: { reason: "rate_limited" },
    });
    return "two_factor_limited";
  }
  let outcome: SecondStep = "two_factor_invalid";
  const digits = given.replace(/\s/g, "");
  if (/^\d{6}$/.test(digits)) {
    const step = await verifyTotp(user.totpSecret, digits, user.totpLastTimeStep, Math.floor(now.getTime() / 1000));
    if (step !== null && (await advanceTimeStep(db, user.id, step))) outcome = "ok";
  } else {
    const normalized = normalizeRecoveryCode(given);
    const unused = await listUnusedRecoveryCodes(db, user.id);
    let matched = false;
    for (const row of unused) {
      if (await verifyPassword(row.codeHash, normalized)) {
        matched = true;
        if (await spendRecoveryCode(db, row.id)) outcome = "ok";
        break;
      }
    }
    // A code that matches no unused one may be a spent one: say so, so the person takes another.
    if (!matched && outcome !== "ok")
      outcome = (await recoveryCodeWasSpent(db, user.id, normalized))
        ? "two_factor_recovery_used"
        : "two_factor_invalid";
  }
  await recordTwoFactorAttempt(db, user.id, outcome === "ok");
  await recordAudit(db, {
    action: "auth.two_factor",
    outcome: outcome === "ok" ? "allowed" : "denied",
    userId: user.id,
    details: outcome === "ok" ? { method: /^\d{6}$/.test(digits) ? "totp" : "recovery_code" } : { reason: outcome },
  });
  return outcome;
}

async function recoveryCodeWasSpent(db: Db, userId: string, normalized: string): Promise<boolean> {
  for (const row of await listSpentRecoveryCodes(db, userId))
    if (await verifyPassword(row.codeHash, normalized)) return true;
  return false;
}
