import "server-only";
import { randomBytes } from "node:crypto";
import type { Tx } from "@/db";
import { sha256Hex } from "@/lib/crypto";
import { insertPasswordLink } from "@/db/queries/password-links";

/** A set-password link is valid this long after it is made. */
export const PASSWORD_LINK_HOURS = 24;

export function hashLinkToken(token: string): string {
  return sha256Hex(token);
}

/** The path of a set-password link; the token appears only here and is never stored. */
export function passwordLinkPath(token: string): string {
  return `/set-password/${token}`;
}

/** Makes a new one-time token for the user (inside the caller's transaction) and returns it. */
export async function issuePasswordToken(
  tx: Tx,
  userId: string,
  createdBy: string | null,
  now = new Date(),
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await insertPasswordLink(tx, {
    userId,
    tokenHash: hashLinkToken(token),
    createdBy,
    expiresAt: new Date(now.getTime() + PASSWORD_LINK_HOURS * 3600_000),
  });
  return token;
}

/** A token has this shape; anything else is refused before touching the database. */
export const linkTokenPattern = /^[A-Za-z0-9_-]{43}$/;
