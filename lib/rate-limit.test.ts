import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { ACCOUNT_LIMIT, checkSignInRate, evaluateFailures, recordSignInAttempt } from "./rate-limit";

const now = new Date("2026-11-23T10:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

describe("evaluateFailures", () => {
  it("allows fewer failures than the limit", () => {
    expect(evaluateFailures([minutesAgo(1), minutesAgo(2), minutesAgo(3), minutesAgo(4)], 5, 15 * 60_000, now)).toEqual({ limited: false });
  });

  it("refuses at the limit until the oldest counted failure leaves the window", () => {
    const failures = [minutesAgo(1), minutesAgo(2), minutesAgo(3), minutesAgo(4), minutesAgo(10)];
    expect(evaluateFailures(failures, 5, 15 * 60_000, now)).toEqual({ limited: true, retryAfterSeconds: 5 * 60 });
  });

  it("ignores failures outside the window", () => {
    const failures = [minutesAgo(1), minutesAgo(2), minutesAgo(3), minutesAgo(4), minutesAgo(16)];
    expect(evaluateFailures(failures, 5, 15 * 60_000, now)).toEqual({ limited: false });
  });

  it("never answers a retry-after below one second", () => {
    const failures = Array.from({ length: 5 }, () => new Date(now.getTime() - 15 * 60_000 + 1));
    expect(evaluateFailures(failures, 5, 15 * 60_000, now)).toEqual({ limited: true, retryAfterSeconds: 1 });
  });
});

describe("checkSignInRate (database)", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("limits one account after five failures, whatever the address", async () => {
    for (let i = 0; i < ACCOUNT_LIMIT.failures; i++) {
      expect((await checkSignInRate(t.db, "victim@lab.test", `192.0.2.${i}`)).limited).toBe(false);
      await recordSignInAttempt(t.db, "Victim@Lab.test", `192.0.2.${i}`, false);
    }
    const decision = await checkSignInRate(t.db, "VICTIM@lab.test", "192.0.2.200");
    expect(decision.limited).toBe(true);
    if (decision.limited) expect(decision.retryAfterSeconds).toBeGreaterThan(14 * 60);
    // Another account is not affected.
    expect((await checkSignInRate(t.db, "other@lab.test", "192.0.2.200")).limited).toBe(false);
  });

  it("limits one address after thirty failures across accounts", async () => {
    for (let i = 0; i < 30; i++) await recordSignInAttempt(t.db, `user${i}@lab.test`, "198.51.100.1", false);
    const decision = await checkSignInRate(t.db, "fresh@lab.test", "198.51.100.1");
    expect(decision.limited).toBe(true);
    if (decision.limited) expect(decision.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await checkSignInRate(t.db, "fresh@lab.test", "198.51.100.2")).limited).toBe(false);
  });

  it("does not count successful sign-ins", async () => {
    for (let i = 0; i < 10; i++) await recordSignInAttempt(t.db, "busy@lab.test", "203.0.113.5", true);
    expect((await checkSignInRate(t.db, "busy@lab.test", "203.0.113.5")).limited).toBe(false);
  });
});
