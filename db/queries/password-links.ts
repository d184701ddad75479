import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { passwordSetTokens, users, type PasswordSetToken } from "@/db/schema";

/** Stores a new link (by its hash) and retires the user's earlier unused links. */
export async function insertPasswordLink(
  tx: Tx,
  input: { userId: string; tokenHash: string; createdBy: string | null; expiresAt: Date },
): Promise<void> {
  await retirePasswordLinks(tx, input.userId);
  await tx.insert(passwordSetTokens).values(input);
}

/**
 * Ends every unused, unexpired link of the user now (they read as expired from then on).
 * A new link or a deactivation does this, so that no older link outlives it.
 */
export async function retirePasswordLinks(tx: Tx, userId: string, now = new Date()): Promise<number> {
  const rows = await tx
    .update(passwordSetTokens)
    .set({ expiresAt: now })
    .where(
      and(eq(passwordSetTokens.userId, userId), isNull(passwordSetTokens.usedAt), gt(passwordSetTokens.expiresAt, now)),
    )
    .returning({ id: passwordSetTokens.id });
  return rows.length;
}

export async function findPasswordLink(db: Db | Tx, tokenHash: string): Promise<PasswordSetToken | undefined> {
  const [row] = await db.select().from(passwordSetTokens).where(eq(passwordSetTokens.tokenHash, tokenHash)).limit(1);
  return row;
}

/**
 * Marks the link used, only if it still is unused and unexpired: of two simultaneous uses
 * one wins. Returns whether this call won.
 */
export async function claimPasswordLink(tx: Tx, id: string, now: Date): Promise<boolean> {
  const rows = await tx
    .update(passwordSetTokens)
    .set({ usedAt: now })
    .where(and(eq(passwordSetTokens.id, id), isNull(passwordSetTokens.usedAt), gt(passwordSetTokens.expiresAt, now)))
    .returning({ id: passwordSetTokens.id });
  return rows.length > 0;
}

/** Replaces the password hash and ends every session of the user. */
export async function setPasswordHash(db: Db | Tx, userId: string, passwordHash: string): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
    .where(eq(users.id, userId));
}
