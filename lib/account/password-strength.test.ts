import { describe, expect, it } from "vitest";
import { checkPasswordStrength } from "./password-strength";

describe("checkPasswordStrength", () => {
  it("refuses a short password with a message naming the minimum", async () => {
    const verdict = await checkPasswordStrength("Tr0ub4dor&3");
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message).toContain("at least 12 characters");
  });

  it("refuses a long but common password and says how to do better", async () => {
    const verdict = await checkPasswordStrength("password1234");
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message).toMatch(/too easy to guess\. .+/);
  });

  it("refuses a password built from the person's own name", async () => {
    expect((await checkPasswordStrength("zyqorvantel1", [])).ok).toBe(true);
    expect((await checkPasswordStrength("zyqorvantel1", ["zyqorvantel"])).ok).toBe(false);
  });

  it("accepts unrelated words", async () => {
    expect((await checkPasswordStrength("copper kettle orbit lantern")).ok).toBe(true);
  });
});
