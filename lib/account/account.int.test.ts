import { eq } from "drizzle-orm";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLab } from "@/db/queries/labs";
import { createUser, getUserById } from "@/db/queries/users";
import { auditEvents, passwordSetTokens, users } from "@/db/schema";
import { createPerson, resetPassword } from "@/lib/admin/people";
import { hashPassword, verifyPassword } from "@/lib/password";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { changeOwnPassword, inspectPasswordLink, linkMessages, redeemPasswordLink } from "./passwords";
import {
  beginEnrolment,
  checkSecondStep,
  confirmEnrolment,
  mustEnrolTwoFactor,
  resetTwoFactor,
  TWO_FACTOR_LIMIT,
} from "./two-factor";

let t: TestDb;
let labId: string;
let operator: { id: string; role: "operator"; labs: { id: string; role: "admin" | "technician" | "doctor" }[] };
const strong = "copper kettle orbit lantern";

beforeAll(async () => {
  t = await createTestDb();
  labId = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  const op = await createUser(t.db, {
    email: "op@lab.test",
    name: "Op",
    passwordHash: await hashPassword(strong),
    role: "operator",
    labIds: [],
  });
  operator = { id: op.id, role: "operator", labs: [] };
});

afterAll(async () => {
  await t?.close();
});

async function newPerson(email: string, role: "admin" | "doctor" = "doctor") {
  const created = await createPerson(t.db, operator, { name: "Pat Person", email, role, labIds: [labId] });
  if (!created.ok) throw new Error(created.message);
  return created;
}

describe("set-password links", () => {
  it("sets the password once; the second use is refused with a clear message", async () => {
    const { userId, token } = await newPerson("once@lab.test");
    expect(await inspectPasswordLink(t.db, token)).toMatchObject({ usable: true, email: "once@lab.test" });
    expect(await redeemPasswordLink(t.db, token, strong)).toEqual({ ok: true });
    const user = await getUserById(t.db, userId);
    expect(await verifyPassword(user!.passwordHash, strong)).toBe(true);
    expect(await redeemPasswordLink(t.db, token, "another fine password here")).toEqual({
      ok: false,
      field: "link",
      message: linkMessages.used,
    });
    expect(await verifyPassword((await getUserById(t.db, userId))!.passwordHash, strong)).toBe(true);
  });

  it("refuses an expired link with a clear message and leaves the password alone", async () => {
    const { userId, token } = await newPerson("late@lab.test");
    const before = (await getUserById(t.db, userId))!.passwordHash;
    const later = new Date(Date.now() + 24 * 3600_000 + 1000);
    expect(await redeemPasswordLink(t.db, token, strong, later)).toEqual({
      ok: false,
      field: "link",
      message: linkMessages.expired,
    });
    expect((await getUserById(t.db, userId))!.passwordHash).toBe(before);
  });

  it("refuses a weak password and says how to do better, keeping the link usable", async () => {
    const { token } = await newPerson("weak@lab.test");
    const outcome = await redeemPasswordLink(t.db, token, "password1234");
    expect(outcome).toMatchObject({ ok: false, field: "password" });
    expect(!outcome.ok && outcome.message).toMatch(/too easy to guess/);
    expect(await inspectPasswordLink(t.db, token)).toMatchObject({ usable: true });
  });

  it("a reset stops the old password, ends sessions and retires the earlier link", async () => {
    const { userId, token } = await newPerson("reset@lab.test");
    await redeemPasswordLink(t.db, token, strong);
    const before = (await getUserById(t.db, userId))!;
    const first = await resetPassword(t.db, operator, userId);
    const second = await resetPassword(t.db, operator, userId);
    expect(first.ok && second.ok).toBe(true);
    const after = (await getUserById(t.db, userId))!;
    expect(await verifyPassword(after.passwordHash, strong)).toBe(false);
    expect(after.sessionVersion).toBe(before.sessionVersion + 2);
    if (!first.ok || !second.ok) return;
    expect(await inspectPasswordLink(t.db, first.token)).toEqual({ usable: false, message: linkMessages.expired });
    expect(await inspectPasswordLink(t.db, second.token)).toMatchObject({ usable: true });
    // Only hashes are stored, and the audit trail names no token.
    const stored = await t.db.select().from(passwordSetTokens).where(eq(passwordSetTokens.userId, userId));
    expect(stored.every((row) => row.tokenHash !== first.token && row.tokenHash !== second.token)).toBe(true);
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "user.password_reset"));
    expect(events.some((e) => JSON.stringify(e).includes(first.token))).toBe(false);
    expect(events[0]).toMatchObject({ labId, userId: operator.id });
  });
});

describe("own password change", () => {
  it("requires the current password and ends every session", async () => {
    const { userId, token } = await newPerson("self@lab.test");
    await redeemPasswordLink(t.db, token, strong);
    expect(await changeOwnPassword(t.db, userId, "not my password", "violet harbour engine tundra")).toMatchObject({
      ok: false,
      field: "currentPassword",
      message: "Your current password is not correct.",
    });
    const before = (await getUserById(t.db, userId))!;
    expect(await changeOwnPassword(t.db, userId, strong, "violet harbour engine tundra")).toEqual({ ok: true });
    const after = (await getUserById(t.db, userId))!;
    expect(await verifyPassword(after.passwordHash, "violet harbour engine tundra")).toBe(true);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
  });
});

describe("two-factor sign-in", () => {
  async function enrolled(email: string) {
    const { userId } = await newPerson(email, "admin");
    expect(await mustEnrolTwoFactor(t.db, userId)).toBe(true);
    const enrolment = await beginEnrolment(t.db, userId);
    const secret = enrolment!.secret;
    expect(await confirmEnrolment(t.db, userId, "000000")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not right/),
    });
    const done = await confirmEnrolment(t.db, userId, await generate({ secret }));
    if (!done.ok) throw new Error(done.message);
    expect(done.recoveryCodes).toHaveLength(10);
    expect(await mustEnrolTwoFactor(t.db, userId)).toBe(false);
    return { userId, secret, recoveryCodes: done.recoveryCodes, user: async () => (await getUserById(t.db, userId))! };
  }

  it("asks for a code, accepts a fresh one once, and refuses a replay", async () => {
    const p = await enrolled("totp@lab.test");
    expect(await checkSecondStep(t.db, await p.user(), "")).toBe("two_factor_required");
    // The step used to enrol is spent: take the next one (within the allowed drift).
    const nextStep = Math.floor(Date.now() / 1000) + 30;
    const code = await generate({ secret: p.secret, epoch: nextStep });
    expect(await checkSecondStep(t.db, await p.user(), code)).toBe("ok");
    expect(await checkSecondStep(t.db, await p.user(), code)).toBe("two_factor_invalid");
  });

  it("refuses wrong codes and then locks the second step, even for a right code", async () => {
    const p = await enrolled("limit@lab.test");
    for (let i = 0; i < TWO_FACTOR_LIMIT.failures; i++) {
      expect(await checkSecondStep(t.db, await p.user(), "123456")).toBe("two_factor_invalid");
    }
    const good = await generate({ secret: p.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect(await checkSecondStep(t.db, await p.user(), good)).toBe("two_factor_limited");
    // After the window it opens again.
    const later = new Date(Date.now() + TWO_FACTOR_LIMIT.windowMs + 1000);
    const then = await generate({ secret: p.secret, epoch: Math.floor(later.getTime() / 1000) });
    expect(await checkSecondStep(t.db, await p.user(), then, later)).toBe("ok");
  });

  it("accepts a recovery code once and says so when it is used twice", async () => {
    const p = await enrolled("recovery@lab.test");
    const code = p.recoveryCodes[3]!;
    expect(await checkSecondStep(t.db, await p.user(), code.toUpperCase().replace("-", " "))).toBe("ok");
    expect(await checkSecondStep(t.db, await p.user(), code)).toBe("two_factor_recovery_used");
    expect(await checkSecondStep(t.db, await p.user(), p.recoveryCodes[4]!)).toBe("ok");
  });

  it("an admin's reset removes the factor, ends sessions and is audited without the secret", async () => {
    const p = await enrolled("lost-phone@lab.test");
    const before = await p.user();
    expect(await resetTwoFactor(t.db, operator, p.userId)).toEqual({ ok: true });
    const after = await p.user();
    expect(after).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await checkSecondStep(t.db, after, "")).toBe("ok");
    expect(await mustEnrolTwoFactor(t.db, p.userId)).toBe(true);
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "user.two_factor_reset"));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      labId,
      details: { targetUserId: p.userId, before: { twoFactor: true }, after: { twoFactor: false } },
    });
    const all = await t.db.select().from(auditEvents);
    expect(all.some((e) => JSON.stringify(e.details ?? {}).includes(p.secret))).toBe(false);
  });

  it("is optional for a doctor unless their lab requires it", async () => {
    const { userId } = await newPerson("doc@lab.test");
    expect(await mustEnrolTwoFactor(t.db, userId)).toBe(false);
    const { labs } = await import("@/db/schema");
    await t.db.update(labs).set({ requireTwoFactor: true }).where(eq(labs.id, labId));
    expect(await mustEnrolTwoFactor(t.db, userId)).toBe(true);
    await t.db.update(labs).set({ requireTwoFactor: false }).where(eq(labs.id, labId));
    expect((await t.db.select().from(users).where(eq(users.id, userId)))[0]!.totpEnabledAt).toBeNull();
  });

  it("is required of an admin in any lab, whatever their role elsewhere, and of an operator", async () => {
    const other = await createLab(t.db, { name: "Lab Two-factor", partnerLabId: "lab-2fa" });
    const doctorHere = await createUser(t.db, {
      email: "doc-admin@lab.test",
      name: "Doc Admin",
      passwordHash: "x",
      role: "doctor",
      labIds: [labId],
    });
    expect(await mustEnrolTwoFactor(t.db, doctorHere.id)).toBe(false);
    const { labMemberships } = await import("@/db/schema");
    await t.db.insert(labMemberships).values({ userId: doctorHere.id, labId: other.id, role: "admin" });
    expect(await mustEnrolTwoFactor(t.db, doctorHere.id)).toBe(true);
    expect(await mustEnrolTwoFactor(t.db, operator.id)).toBe(true);
  });
});
