import "server-only";
import type { Db } from "@/db";
import { claimPasswordLink, findPasswordLink, setPasswordHash } from "@/db/queries/password-links";
import { getUserById } from "@/db/queries/users";
import { listLabsForUser } from "@/db/queries/labs";
import { recordChange } from "@/lib/audit-change";
import { hashLinkToken, linkTokenPattern } from "@/lib/account/password-links";
import { hashPassword, verifyPassword } from "@/lib/account/password-hash";
import { checkPasswordStrength } from "@/lib/account/password-strength";

export type LinkState = { usable: true; email: string; name: string } | { usable: false; message: string };

export const linkMessages = {
  unknown: "This set-password link is not valid. Ask your administrator for a new one.",
  used: "This set-password link has already been used. Ask your administrator for a new one if you need it.",
  expired: "This set-password link has expired (links are valid for 24 hours). Ask your administrator for a new one.",
  inactive: "This account is deactivated. Ask your administrator.",
} as const;

/** What a set-password link is good for, without using it. */
export async function inspectPasswordLink(db: Db, token: string, now = new Date()): Promise<LinkState> {
  if (!linkTokenPattern.test(token)) return { usable: false, message: linkMessages.unknown };
  const link = await findPasswordLink(db, hashLinkToken(token));
  if (!link) return { usable: false, message: linkMessages.unknown };
  if (link.usedAt) return { usable: false, message: linkMessages.used };
  if (link.expiresAt <= now) return { usable: false, message: linkMessages.expired };
  const user = await getUserById(db, link.userId);
  if (!user) return { usable: false, message: linkMessages.unknown };
  if (!user.active) return { usable: false, message: linkMessages.inactive };
  return { usable: true, email: user.email, name: user.name };
}

function personalWords(user: { email: string; name: string }): string[] {
  const local = user.email.split("@")[0] ?? "";
  return [user.email, local, user.name, ...user.name.split(/\s+/), ...local.split(/[._+-]/)];
}

export type PasswordOutcome =
  { ok: true } | { ok: false; field: "password" | "currentPassword" | "link"; message: string };

/** Sets a password through a one-time link: the link is spent, and any session of the user ends. */
export async function redeemPasswordLink(
  db: Db,
  token: string,
  password: string,
  now = new Date(),
): Promise<PasswordOutcome> {
  const state = await inspectPasswordLink(db, token, now);
  if (!state.usable) return { ok: false, field: "link", message: state.message };
  const verdict = await checkPasswordStrength(password, personalWords(state));
  if (!verdict.ok) return { ok: false, field: "password", message: verdict.message };
  const passwordHash = await hashPassword(password);
  const link = await findPasswordLink(db, hashLinkToken(token));
  if (!link) return { ok: false, field: "link", message: linkMessages.unknown };
  const labIds = (await listLabsForUser(db, link.userId)).map((l) => l.id);
  const won = await db.transaction(async (tx) => {
    if (!(await claimPasswordLink(tx, link.id, now))) return false;
    await setPasswordHash(tx, link.userId, passwordHash);
    await recordChange(tx, {
      action: "user.password_set",
      actorId: link.userId,
      labIds,
      details: { targetUserId: link.userId, via: "set_password_link", before: null, after: { passwordSet: true } },
    });
    return true;
  });
  return won ? { ok: true } : { ok: false, field: "link", message: linkMessages.used };
}

/** A signed-in user's own change: the current password is required; every session ends. */
export async function changeOwnPassword(
  db: Db,
  userId: string,
  currentPassword: string,
  newPassword: string,
): Promise<PasswordOutcome> {
  const user = await getUserById(db, userId);
  if (!user || !user.active) return { ok: false, field: "currentPassword", message: "Your account is not active." };
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    return { ok: false, field: "currentPassword", message: "Your current password is not correct." };
  }
  if (newPassword === currentPassword)
    return { ok: false, field: "password", message: "Choose a password different from your current one." };
  const verdict = await checkPasswordStrength(newPassword, personalWords(user));
  if (!verdict.ok) return { ok: false, field: "password", message: verdict.message };
  const passwordHash = await hashPassword(newPassword);
  const labIds = (await listLabsForUser(db, userId)).map((l) => l.id);
  await db.transaction(async (tx) => {
    await setPasswordHash(tx, userId, passwordHash);
    await recordChange(tx, {
      action: "user.password_change",
      actorId: userId,
      labIds,
      details: {
        targetUserId: userId,
        via: "own_account",
        before: null,
        after: { passwordChanged: true, sessionsEnded: true },
      },
    });
  });
  return { ok: true };
}
