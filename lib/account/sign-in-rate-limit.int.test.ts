import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { ACCOUNT_LIMIT, forgiveSignIn, readCredentialFields, takeSignInAttempt } from "./sign-in-rate-limit";

const FORM = "application/x-www-form-urlencoded";

describe("readCredentialFields", () => {
  it("refuses a form that repeats the email (the limiter would count one account, next-auth check another)", () => {
    expect(readCredentialFields(FORM, "email=decoy1%40x.test&email=doctor%40demo.lab&password=x&csrfToken=t")).toEqual({
      ok: false,
    });
  });
  it("refuses repeated password, csrfToken or callbackUrl fields too", () => {
    for (const body of [
      "email=a%40b.c&password=1&password=2",
      "email=a%40b.c&csrfToken=1&csrfToken=2",
      "email=a%40b.c&callbackUrl=/&callbackUrl=/x",
    ]) {
      expect(readCredentialFields(FORM, body)).toEqual({ ok: false });
    }
  });
  it("reads the email of a well-formed form", () => {
    expect(
      readCredentialFields(`${FORM}; charset=UTF-8`, "email=doctor%40demo.lab&password=x&csrfToken=t&json=true"),
    ).toEqual({ ok: true, email: "doctor@demo.lab" });
  });
  it("reads a JSON body as next-auth does (the last of duplicate keys wins in both)", () => {
    expect(readCredentialFields("application/json", '{"email":"decoy@x.test","email":"doctor@demo.lab"}')).toEqual({
      ok: true,
      email: "doctor@demo.lab",
    });
    expect(readCredentialFields("application/json", "not json")).toEqual({ ok: false });
  });
  it("gives no email for a body next-auth does not read either", () => {
    expect(readCredentialFields("text/plain", "email=doctor%40demo.lab")).toEqual({ ok: true, email: "" });
  });
});

describe("takeSignInAttempt (database)", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lets at most five of fifty parallel attempts for one account through", async () => {
    const decisions = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        takeSignInAttempt(t.db, i % 2 ? "Victim@Lab.test" : "victim@lab.test", `192.0.2.${i}`),
      ),
    );
    expect(decisions.filter((d) => !d.limited)).toHaveLength(ACCOUNT_LIMIT.attempts);
    const refused = decisions.find((d) => d.limited);
    expect(refused?.limited && refused.retryAfterSeconds).toBeGreaterThan(14 * 60);
    // Another account is not affected.
    expect((await takeSignInAttempt(t.db, "other@lab.test", "192.0.2.200")).limited).toBe(false);
  });

  it("limits one address after thirty attempts across accounts", async () => {
    for (let i = 0; i < 30; i++)
      expect((await takeSignInAttempt(t.db, `user${i}@lab.test`, "198.51.100.1")).limited).toBe(false);
    const decision = await takeSignInAttempt(t.db, "fresh@lab.test", "198.51.100.1");
    expect(decision.limited).toBe(true);
    if (decision.limited) expect(decision.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await takeSignInAttempt(t.db, "fresh2@lab.test", "198.51.100.2")).limited).toBe(false);
  });

  it("a successful sign-in gives the account its attempts back", async () => {
    for (let i = 0; i < 4; i++) await takeSignInAttempt(t.db, "busy@lab.test", "203.0.113.5");
    await forgiveSignIn(t.db, "busy@lab.test", "203.0.113.5");
    for (let i = 0; i < ACCOUNT_LIMIT.attempts; i++)
      expect((await takeSignInAttempt(t.db, "busy@lab.test", "203.0.113.5")).limited).toBe(false);
    expect((await takeSignInAttempt(t.db, "busy@lab.test", "203.0.113.5")).limited).toBe(true);
  });
});
