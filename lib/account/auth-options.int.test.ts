import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLab } from "@/db/queries/labs";
import { createUser } from "@/db/queries/users";
import { auditEvents, twoFactorAttempts } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { hashPassword } from "@/lib/account/password-hash";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

/**
 * Sign-in through next-auth's credentials `authorize` itself: only the database is
 * replaced. The throttle's points are taken as the sign-in route takes them, one per
 * attempt before `authorize` runs.
 */
const holder = vi.hoisted(() => ({ db: null as unknown }));
vi.mock("@/db", () => ({ getDb: async () => holder.db }));

const { authOptions } = await import("./auth-options");
const { beginEnrolment, confirmEnrolment, TWO_FACTOR_LIMIT } = await import("@/lib/account/two-factor");
const { ACCOUNT_LIMIT, takeSignInAttempt } = await import("@/lib/account/sign-in-rate-limit");

type Authorize = (credentials: Record<string, string>, req: unknown) => Promise<{ id: string } | null>;

let t: TestDb;
let labId: string;
const password = "copper kettle orbit lantern";
const IP = "192.0.2.44";
const request = { headers: { "user-agent": "vitest" } };

function authorize(credentials: Record<string, string>): Promise<{ id: string } | null> {
  const provider = authOptions().providers[0] as unknown as { options: { authorize: Authorize } };
  return provider.options.authorize(credentials, request);
}

/** The step's error (what the sign-in form shows), or "ok" with the user. */
async function signIn(email: string, code?: string): Promise<string> {
  try {
    const user = await authorize({ email, password, ...(code === undefined ? {} : { code }) });
    return user ? "ok" : "refused";
  } catch (error) {
    return (error as Error).message;
  }
}

async function enrolledAdmin(email: string): Promise<{ id: string; secret: string }> {
  const user = await createUser(t.db, {
    email,
    name: "Ada Admin",
    passwordHash: await hashPassword(password),
    role: "admin",
    labIds: [labId],
  });
  const enrolment = await beginEnrolment(t.db, user.id);
  const done = await confirmEnrolment(t.db, user.id, await generate({ secret: enrolment!.secret }));
  if (!done.ok) throw new Error(done.message);
  return { id: user.id, secret: enrolment!.secret };
}

/** A code of the next time step (the enrolment spent the current one). */
function nextCode(secret: string): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
}

async function signInEvents(userId: string, outcome: "allowed" | "denied") {
  return t.db
    .select()
    .from(auditEvents)
    .where(
      and(eq(auditEvents.action, "auth.sign_in"), eq(auditEvents.userId, userId), eq(auditEvents.outcome, outcome)),
    );
}

beforeAll(async () => {
  t = await createTestDb();
  holder.db = t.db;
  process.env.NEXTAUTH_SECRET ||= "a-test-secret-of-at-least-thirty-two-characters";
  process.env.TOTP_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  resetEnvCache();
  labId = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
});

afterAll(async () => {
  resetEnvCache();
  await t?.close();
});

describe("sign-in with a second step", () => {
  it("a right password without the right code neither resets the throttle nor records a sign-in", async () => {
    const admin = await enrolledAdmin("two-step@lab.test");
    expect((await takeSignInAttempt(t.db, "two-step@lab.test", IP)).limited).toBe(false);
    expect(await signIn("two-step@lab.test")).toBe("two_factor_required");
    expect((await takeSignInAttempt(t.db, "two-step@lab.test", IP)).limited).toBe(false);
    expect(await signIn("two-step@lab.test", "000000")).toBe("two_factor_invalid");
    expect(await signInEvents(admin.id, "allowed")).toEqual([]);
    // Both attempts still count: the account has exactly the rest of its points left.
    for (let i = 2; i < ACCOUNT_LIMIT.attempts; i++)
      expect((await takeSignInAttempt(t.db, "two-step@lab.test", IP)).limited).toBe(false);
    expect((await takeSignInAttempt(t.db, "two-step@lab.test", IP)).limited).toBe(true);
  });

  it("the right code completes the sign-in: then it is recorded and the throttle forgives", async () => {
    const admin = await enrolledAdmin("complete@lab.test");
    for (let i = 0; i < ACCOUNT_LIMIT.attempts - 1; i++) await takeSignInAttempt(t.db, "complete@lab.test", IP);
    expect(await signIn("complete@lab.test", await nextCode(admin.secret))).toBe("ok");
    expect(await signInEvents(admin.id, "allowed")).toHaveLength(1);
    for (let i = 0; i < ACCOUNT_LIMIT.attempts; i++)
      expect((await takeSignInAttempt(t.db, "complete@lab.test", IP)).limited).toBe(false);
  });

  it("parallel guesses cannot slip past the second step's limit: at most that many codes are checked", async () => {
    const admin = await enrolledAdmin("parallel@lab.test");
    const right = await nextCode(admin.secret);
    const wrong = right === "111111" ? "222222" : "111111";
    const guesses = Array.from({ length: 3 * TWO_FACTOR_LIMIT.failures }, () => wrong);
    const outcomes = await Promise.all(guesses.map((code) => signIn("parallel@lab.test", code)));
    const checked = outcomes.filter((o) => o === "two_factor_invalid");
    expect(checked.length).toBeLessThanOrEqual(TWO_FACTOR_LIMIT.failures);
    expect(outcomes.filter((o) => o === "two_factor_limited")).toHaveLength(guesses.length - checked.length);
    const failures = await t.db
      .select()
      .from(twoFactorAttempts)
      .where(and(eq(twoFactorAttempts.userId, admin.id), eq(twoFactorAttempts.success, false)));
    expect(failures.length).toBeLessThanOrEqual(TWO_FACTOR_LIMIT.failures);
    // The limit holds for a right code too, and no guess signed in or reset the throttle.
    if (checked.length === TWO_FACTOR_LIMIT.failures)
      expect(await signIn("parallel@lab.test", right)).toBe("two_factor_limited");
    expect(await signInEvents(admin.id, "allowed")).toEqual([]);
  });

  it("a right code among parallel wrong ones does not let more than the limit of wrong ones be checked", async () => {
    const admin = await enrolledAdmin("mixed@lab.test");
    const right = await nextCode(admin.secret);
    const wrong = right === "111111" ? "222222" : "111111";
    const guesses = Array.from({ length: 3 * TWO_FACTOR_LIMIT.failures }, (_, i) => (i === 7 ? right : wrong));
    const outcomes = await Promise.all(guesses.map((code) => signIn("mixed@lab.test", code)));
    expect(outcomes.filter((o) => o === "two_factor_invalid").length).toBeLessThanOrEqual(TWO_FACTOR_LIMIT.failures);
    expect(outcomes.filter((o) => o === "ok").length).toBeLessThanOrEqual(1);
    expect(await signInEvents(admin.id, "allowed")).toHaveLength(outcomes.filter((o) => o === "ok").length);
  });
});
