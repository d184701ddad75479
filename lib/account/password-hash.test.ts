import { describe, expect, it } from "vitest";
import { hashPassword, timingDummyHash, verifyPassword } from "./password-hash";

describe("password hashing", () => {
  it("hashes with argon2id and verifies only the right password", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(stored, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(stored, "correct horse battery stapl")).toBe(false);
  });

  it("salts: the same password hashes differently", async () => {
    expect(await hashPassword("same password 123")).not.toBe(await hashPassword("same password 123"));
  });

  it("never verifies against a malformed hash", async () => {
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
  });

  it("has a real dummy hash for unknown accounts", async () => {
    const dummy = await timingDummyHash();
    expect(dummy.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(dummy, "")).toBe(false);
  });
});
