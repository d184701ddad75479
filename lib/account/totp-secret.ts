import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { getTotpKeys } from "@/lib/env";

/**
 * TOTP secrets at rest: AES-256-GCM, one self-describing string per secret in the
 * existing text column, `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). The key
 * id (the first 8 hex digits of the key's SHA-256) names which key decrypts, so that keys
 * can be rotated; the user's id is the additional authenticated data, so that a
 * ciphertext copied to another user's row does not decrypt. A value without the prefix
 * is a legacy plain-text secret: still read, and re-encrypted on its next use.
 */

const VERSION = "v1";
const AAD_PREFIX = "lab-portal/totp-secret/v1:";

export type TotpKey = { id: string; key: Buffer };
/** The current key encrypts; every key of `all` (the current one first) may decrypt. */
export type TotpKeyring = { current: TotpKey; all: TotpKey[] };

export function totpKeyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

function toKey(base64: string): TotpKey {
  const key = Buffer.from(base64, "base64");
  if (key.length !== 32) throw new Error("a TOTP encryption key must be 32 bytes");
  return { id: totpKeyId(key), key };
}

export function totpKeyring(current: string, previous: readonly string[] = []): TotpKeyring {
  const currentKey = toKey(current);
  const all = [currentKey];
  for (const base64 of previous) {
    const key = toKey(base64);
    if (!all.some((k) => k.id === key.id)) all.push(key);
  }
  return { current: currentKey, all };
}

/** The keyring of this process's configuration (TOTP_ENCRYPTION_KEY, TOTP_ENCRYPTION_KEYS_PREVIOUS). */
export function configuredTotpKeyring(): TotpKeyring {
  const { current, previous } = getTotpKeys();
  return totpKeyring(current, previous);
}

function aad(userId: string): Buffer {
  return Buffer.from(`${AAD_PREFIX}${userId}`, "utf8");
}

export function encryptTotpSecret(secret: string, userId: string, keyring: TotpKeyring): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  cipher.setAAD(aad(userId));
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, keyring.current.id, iv, ciphertext, tag]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export function isEncryptedTotpSecret(stored: string): boolean {
  return stored.startsWith(`${VERSION}.`);
}

/** A stored secret that no configured key decrypts (or that was altered). Names the user only. */
export class TotpSecretUnreadableError extends Error {
  readonly userId: string;
  constructor(userId: string) {
    super(`the stored TOTP secret of user ${userId} cannot be decrypted with any configured key`);
    this.name = "TotpSecretUnreadableError";
    this.userId = userId;
  }
}

export type OpenedTotpSecret = {
  secret: string;
  /** The key that decrypted it, or null for a legacy plain-text value. */
  keyId: string | null;
  /** Should it be stored again (legacy plain text, or a key other than the current one)? */
  stale: boolean;
};

/** Decrypts a stored secret of this user; throws TotpSecretUnreadableError when it cannot. */
export function decryptTotpSecret(stored: string, userId: string, keyring: TotpKeyring): OpenedTotpSecret {
  if (!isEncryptedTotpSecret(stored)) {
    // Legacy: a base32 secret stored before encryption.
    if (!/^[A-Z2-7]+=*$/i.test(stored)) throw new TotpSecretUnreadableError(userId);
    return { secret: stored, keyId: null, stale: true };
  }
  const parts = stored.split(".");
  if (parts.length !== 5) throw new TotpSecretUnreadableError(userId);
  const [, keyId, ivPart, ciphertextPart, tagPart] = parts as [string, string, string, string, string];
  const key = keyring.all.find((k) => k.id === keyId);
  if (!key) throw new TotpSecretUnreadableError(userId);
  try {
    const iv = Buffer.from(ivPart, "base64url");
    const tag = Buffer.from(tagPart, "base64url");
    if (iv.length !== 12 || tag.length !== 16) throw new TotpSecretUnreadableError(userId);
    const decipher = createDecipheriv("aes-256-gcm", key.key, iv, { authTagLength: 16 });
    decipher.setAAD(aad(userId));
    decipher.setAuthTag(tag);
    const secret = Buffer.concat([
      decipher.update(Buffer.from(ciphertextPart, "base64url")),
      decipher.final(),
    ]).toString("utf8");
    return { secret, keyId, stale: keyId !== keyring.current.id };
  } catch {
    throw new TotpSecretUnreadableError(userId);
  }
}
