import "server-only";
import type { Db } from "@/db";
import { listLabsForUser } from "@/db/queries/labs";
import {
  advanceTimeStep,
  anyLabRequiresTwoFactor,
  isAdminInAnyLab,
  enableTwoFactor,
  listSpentRecoveryCodes,
  listUnusedRecoveryCodes,
  lockStoredTotpSecrets,
  markTwoFactorAttemptSucceeded,
  replaceTotpSecret,
  spendRecoveryCode,
  storePendingSecret,
  takeTwoFactorAttempt,
} from "@/db/queries/two-factor";
import { getUserById } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { recordChange } from "@/lib/audit-change";
import type { Outcome } from "@/lib/domain";
import { hashPassword, verifyPassword } from "@/lib/account/password-hash";
import {
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  totpQrSvg,
  totpUri,
  verifyTotp,
} from "@/lib/account/totp";
import {
  configuredTotpKeyring,
  decryptTotpSecret,
  encryptTotpSecret,
  TotpSecretUnreadableError,
  type OpenedTotpSecret,
  type TotpKeyring,
} from "@/lib/account/totp-secret";

/**
 * Given the failure times within a window (any order), is the next attempt refused? Once
 * `limit` failures lie within the window, until the oldest of them leaves it. (The second
 * step counts its failures from its own table, where each attempt is recorded as a
 * failure before its code is checked; the sign-in throttle is rate-limiter-flexible's.)
 * A failure stamped after `now` counts too: a parallel attempt that read the clock later
 * may have taken the lock first.
 */
export function evaluateFailures(failures: Date[], limit: number, windowMs: number, now: Date): { limited: boolean } {
  const recent = failures.map((d) => d.getTime()).filter((t) => t > now.getTime() - windowMs);
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
  // Only the encrypted form is stored; the plain secret is shown once, to the person enrolling.
  if (!(await storePendingSecret(db, userId, encryptTotpSecret(secret, userId, configuredTotpKeyring())))) return null;
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
  const opened = openStoredSecret(user.totpSecret, userId);
  if (!opened) return { ok: false, reason: "invalid", message: "Start the set-up again." };
  const step = await verifyTotp(opened.secret, code.replace(/\s/g, ""), null);
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

import type { SecondStep } from "@/lib/account/two-factor-messages";
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
  // Consume first, check after: the attempt counts as a failure until its code has passed.
  const attemptId = await takeTwoFactorAttempt(
    db,
    user.id,
    now,
    (failures) => evaluateFailures(failures, TWO_FACTOR_LIMIT.failures, TWO_FACTOR_LIMIT.windowMs, now).limited,
    TWO_FACTOR_LIMIT.failures,
    TWO_FACTOR_LIMIT.windowMs,
  );
  if (attemptId === null) {
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
    const opened = openStoredSecret(user.totpSecret, user.id);
    const step = opened
      ? await verifyTotp(opened.secret, digits, user.totpLastTimeStep, Math.floor(now.getTime() / 1000))
      : null;
    if (step !== null && (await advanceTimeStep(db, user.id, step))) {
      outcome = "ok";
      // A legacy plain-text secret, or one under a previous key, is stored again with the current key.
      if (opened?.stale)
        await replaceTotpSecret(
          db,
          user.id,
          user.totpSecret,
          encryptTotpSecret(opened.secret, user.id, configuredTotpKeyring()),
        );
    }
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
  if (outcome === "ok") await markTwoFactorAttemptSucceeded(db, attemptId);
  await recordAudit(db, {
    action: "auth.two_factor",
    outcome: outcome === "ok" ? "allowed" : "denied",
    userId: user.id,
    details: outcome === "ok" ? { method: /^\d{6}$/.test(digits) ? "totp" : "recovery_code" } : { reason: outcome },
  });
  return outcome;
}

/**
 * The stored secret in the clear, or null when no configured key decrypts it (logged with
 * the user's id only; the person can still sign in with a recovery code).
 */
function openStoredSecret(stored: string, userId: string): OpenedTotpSecret | null {
  try {
    return decryptTotpSecret(stored, userId, configuredTotpKeyring());
  } catch (error) {
    if (!(error instanceof TotpSecretUnreadableError)) throw error;
    console.error(
      `[two-factor] the stored TOTP secret of user ${error.userId} cannot be decrypted with any configured key`,
    );
    return null;
  }
}

export type TotpRotationReport = { total: number; reencrypted: number; legacy: number; alreadyCurrent: number };

/** Some stored secrets decrypt with no key of the keyring: nothing was changed. */
export class TotpRotationError extends Error {
  readonly userIds: string[];
  constructor(userIds: string[]) {
    super(
      `the stored TOTP secrets of ${userIds.length} user(s) cannot be decrypted with any configured key (user ids: ${userIds.join(", ")}); add the key they were encrypted with to TOTP_ENCRYPTION_KEYS_PREVIOUS, or reset their second factor`,
    );
    this.name = "TotpRotationError";
    this.userIds = userIds;
  }
}

/**
 * Re-encrypts every stored TOTP secret (enrolled or pending) with the keyring's current
 * key, in one transaction: legacy plain-text values and values under previous keys are
 * rewritten, values under the current key are left as they are. Refuses (changing
 * nothing) when any value decrypts with no key of the keyring.
 */
export async function reencryptTotpSecrets(db: Db, keyring: TotpKeyring): Promise<TotpRotationReport> {
  return db.transaction(async (tx) => {
    const rows = await lockStoredTotpSecrets(tx);
    const opened: { id: string; stored: string; secret: OpenedTotpSecret }[] = [];
    const unreadable: string[] = [];
    for (const row of rows) {
      try {
        opened.push({ id: row.id, stored: row.totpSecret, secret: decryptTotpSecret(row.totpSecret, row.id, keyring) });
      } catch (error) {
        if (!(error instanceof TotpSecretUnreadableError)) throw error;
        unreadable.push(row.id);
      }
    }
    if (unreadable.length > 0) throw new TotpRotationError(unreadable);
    const report: TotpRotationReport = { total: rows.length, reencrypted: 0, legacy: 0, alreadyCurrent: 0 };
    for (const row of opened) {
      if (!row.secret.stale) {
        report.alreadyCurrent++;
        continue;
      }
      await replaceTotpSecret(tx, row.id, row.stored, encryptTotpSecret(row.secret.secret, row.id, keyring));
      report.reencrypted++;
      if (row.secret.keyId === null) report.legacy++;
    }
    return report;
  });
}

async function recoveryCodeWasSpent(db: Db, userId: string, normalized: string): Promise<boolean> {
  for (const row of await listSpentRecoveryCodes(db, userId))
    if (await verifyPassword(row.codeHash, normalized)) return true;
  return false;
}
