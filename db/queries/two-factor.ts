import "server-only";
import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { labMemberships, labs, recoveryCodes, twoFactorAttempts, users } from "@/db/schema";

/** Does any lab of the user require two-factor sign-in of everyone? */
/** Is the user an admin in any lab? */
export async function isAdminInAnyLab(db: Db | Tx, userId: string): Promise<boolean> {
  const rows = await db
    .select({ labId: labMemberships.labId })
    .from(labMemberships)
    .where(and(eq(labMemberships.userId, userId), eq(labMemberships.role, "admin")))
    .limit(1);
  return rows.length > 0;
}

export async function anyLabRequiresTwoFactor(db: Db | Tx, userId: string): Promise<boolean> {
  const rows = await db
    .select({ id: labs.id })
    .from(labMemberships)
    .innerJoin(labs, eq(labs.id, labMemberships.labId))
    .where(and(eq(labMemberships.userId, userId), eq(labs.requireTwoFactor, true)))
    .limit(1);
  return rows.length > 0;
}

export async function storePendingSecret(db: Db | Tx, userId: string, secret: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpSecret: secret, updatedAt: new Date() })
    .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/**
 * Stores a secret again (re-encrypted) only if the row still holds `expected`: a reset or
 * a new enrolment in between wins. Returns whether it was stored.
 */
export async function replaceTotpSecret(db: Db | Tx, userId: string, expected: string, next: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpSecret: next })
    .where(and(eq(users.id, userId), eq(users.totpSecret, expected)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/** Every stored TOTP secret (enrolled or pending), locked for the rest of the transaction. */
export async function lockStoredTotpSecrets(tx: Tx): Promise<{ id: string; totpSecret: string }[]> {
  const rows = await tx
    .select({ id: users.id, totpSecret: users.totpSecret })
    .from(users)
    .where(isNotNull(users.totpSecret))
    .orderBy(users.id)
    .for("update");
  return rows.flatMap((r) => (r.totpSecret === null ? [] : [{ id: r.id, totpSecret: r.totpSecret }]));
}

/** Turns two-factor on with a verified step and stores the recovery code hashes. */
export async function enableTwoFactor(
  tx: Tx,
  userId: string,
  timeStep: number,
  codeHashes: string[],
): Promise<boolean> {
  const rows = await tx
    .update(users)
    .set({ totpEnabledAt: new Date(), totpLastTimeStep: timeStep, updatedAt: new Date() })
    .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)))
    .returning({ id: users.id });
  if (rows.length === 0) return false;
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  if (codeHashes.length > 0)
    await tx.insert(recoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
  return true;
}

/** Removes the second factor and ends the user's sessions. */
export async function clearTwoFactor(tx: Tx, userId: string): Promise<void> {
  await tx
    .update(users)
    .set({
      totpSecret: null,
      totpEnabledAt: null,
      totpLastTimeStep: null,
      sessionVersion: sql`${users.sessionVersion} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(users.id, userId));
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}

/** Accepts a time step only if it is newer than the last one accepted (of two racing uses, one wins). */
export async function advanceTimeStep(db: Db | Tx, userId: string, timeStep: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpLastTimeStep: timeStep })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastTimeStep), lt(users.totpLastTimeStep, timeStep))))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function listUnusedRecoveryCodes(
  db: Db | Tx,
  userId: string,
): Promise<{ id: string; codeHash: string }[]> {
  return db
    .select({ id: recoveryCodes.id, codeHash: recoveryCodes.codeHash })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
}

export async function spendRecoveryCode(db: Db | Tx, id: string): Promise<boolean> {
  const rows = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(recoveryCodes.id, id), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return rows.length > 0;
}

/**
 * Takes one attempt of the user's second step BEFORE its code is checked: under a lock
 * of the user's row, counts the failures within the window and, below the limit, records
 * this attempt as a failure (it becomes a success only once its code passed). Parallel
 * guesses queue on the lock, so no more than `limit` of them are ever checked. Returns the
 * attempt's id, or null when the limit is reached (nothing is recorded then).
 */
export async function takeTwoFactorAttempt(
  db: Db,
  userId: string,
  now: Date,
  isLimited: (failures: Date[]) => boolean,
  limit: number,
  windowMs: number,
): Promise<string | null> {
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
    const failures = await listTwoFactorFailures(tx, userId, new Date(now.getTime() - windowMs), limit);
    if (isLimited(failures)) return null;
    const [row] = await tx
      .insert(twoFactorAttempts)
      .values({ userId, success: false, at: now })
      .returning({ id: twoFactorAttempts.id });
    return row!.id;
  });
}

/** The attempt's code passed: it no longer counts against the limit. */
export async function markTwoFactorAttemptSucceeded(db: Db | Tx, attemptId: string): Promise<void> {
  await db.update(twoFactorAttempts).set({ success: true }).where(eq(twoFactorAttempts.id, attemptId));
}

/** The newest failures of the user's second step within the window (for the rate limit). */
export async function listTwoFactorFailures(db: Db | Tx, userId: string, since: Date, limit: number): Promise<Date[]> {
  const rows = await db
    .select({ at: twoFactorAttempts.at })
    .from(twoFactorAttempts)
    .where(
      and(eq(twoFactorAttempts.userId, userId), eq(twoFactorAttempts.success, false), gte(twoFactorAttempts.at, since)),
    )
    .orderBy(desc(twoFactorAttempts.at))
    .limit(limit);
  return rows.map((r) => r.at);
}

export async function countUnusedRecoveryCodes(db: Db, userIds: string[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const rows = await db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(inArray(recoveryCodes.userId, userIds), isNull(recoveryCodes.usedAt)));
  return rows.length;
}

export async function listSpentRecoveryCodes(db: Db | Tx, userId: string): Promise<{ codeHash: string }[]> {
  return db
    .select({ codeHash: recoveryCodes.codeHash })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNotNull(recoveryCodes.usedAt)));
}
