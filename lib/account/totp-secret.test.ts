import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  TotpSecretUnreadableError,
  decryptTotpSecret,
  encryptTotpSecret,
  isEncryptedTotpSecret,
  totpKeyId,
  totpKeyring,
} from "./totp-secret";

const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const userA = "0b6e4b8e-3f0a-4d7e-9a59-0d1c5f9f1a11";
const userB = "5d0c2a3e-7a41-4b7f-8b1c-2f3e4d5a6b7c";
const newKey = () => randomBytes(32).toString("base64");

describe("TOTP secrets at rest", () => {
  it("round-trips, in a self-describing string that does not contain the secret", () => {
    const key = newKey();
    const ring = totpKeyring(key);
    const stored = encryptTotpSecret(secret, userA, ring);
    expect(stored).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(stored.split(".")[1]).toBe(totpKeyId(Buffer.from(key, "base64")));
    expect(stored).not.toContain(secret);
    expect(isEncryptedTotpSecret(stored)).toBe(true);
    expect(decryptTotpSecret(stored, userA, ring)).toEqual({ secret, keyId: ring.current.id, stale: false });
    // A fresh IV each time.
    expect(encryptTotpSecret(secret, userA, ring)).not.toBe(stored);
  });

  it("refuses with another key, naming only the user", () => {
    const stored = encryptTotpSecret(secret, userA, totpKeyring(newKey()));
    const other = totpKeyring(newKey());
    expect(() => decryptTotpSecret(stored, userA, other)).toThrow(TotpSecretUnreadableError);
    // A forged key id (the other key's) is refused by the tag.
    const relabelled = stored.replace(/^v1\.[0-9a-f]{8}\./, `v1.${other.current.id}.`);
    try {
      decryptTotpSecret(relabelled, userA, other);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TotpSecretUnreadableError);
      expect((error as Error).message).toContain(userA);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it("refuses a tampered ciphertext, IV or tag", () => {
    const ring = totpKeyring(newKey());
    const stored = encryptTotpSecret(secret, userA, ring);
    const parts = stored.split(".");
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, "base64url");
      bytes[0]! ^= 0x01;
      const tampered = parts.map((p, i) => (i === index ? bytes.toString("base64url") : p)).join(".");
      expect(() => decryptTotpSecret(tampered, userA, ring)).toThrow(TotpSecretUnreadableError);
    }
    expect(() => decryptTotpSecret(`${stored}.extra`, userA, ring)).toThrow(TotpSecretUnreadableError);
  });

  it("refuses a ciphertext copied to another user's row", () => {
    const ring = totpKeyring(newKey());
    const stored = encryptTotpSecret(secret, userA, ring);
    expect(() => decryptTotpSecret(stored, userB, ring)).toThrow(TotpSecretUnreadableError);
  });

  it("reads a legacy plain-text secret and marks it for re-encryption", () => {
    const ring = totpKeyring(newKey());
    expect(isEncryptedTotpSecret(secret)).toBe(false);
    expect(decryptTotpSecret(secret, userA, ring)).toEqual({ secret, keyId: null, stale: true });
    expect(() => decryptTotpSecret("not a base32 secret!", userA, ring)).toThrow(TotpSecretUnreadableError);
  });

  it("decrypts with a previous key, marked stale, until that key is removed", () => {
    const oldKey = newKey();
    const stored = encryptTotpSecret(secret, userA, totpKeyring(oldKey));
    const rotated = totpKeyring(newKey(), [oldKey]);
    expect(decryptTotpSecret(stored, userA, rotated)).toMatchObject({ secret, stale: true });
    const again = encryptTotpSecret(secret, userA, rotated);
    expect(decryptTotpSecret(again, userA, rotated)).toMatchObject({ secret, keyId: rotated.current.id, stale: false });
    expect(() => decryptTotpSecret(stored, userA, totpKeyring(newKey()))).toThrow(TotpSecretUnreadableError);
  });
});
