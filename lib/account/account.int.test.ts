import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLab } from "@/db/queries/labs";
import { createUser, getUserById } from "@/db/queries/users";
import { auditEvents, passwordSetTokens, users } from "@/db/schema";
import { createPerson, resetPassword, resetTwoFactor, setPersonActive } from "@/lib/admin/people";
import { resetEnvCache } from "@/lib/env";
import { hashPassword, verifyPassword } from "@/lib/account/password-hash";
import { encryptTotpSecret, totpKeyId, totpKeyring } from "@/lib/account/totp-secret";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { changeOwnPassword, inspectPasswordLink, linkMessages, redeemPasswordLink } from "./passwords";
import {
  beginEnrolment,
  checkSecondStep,
  confirmEnrolment,
  evaluateFailures,
  mustEnrolTwoFactor,
  reencryptTotpSecrets,
  TotpRotationError,
  TWO_FACTOR_LIMIT,
} from "./two-factor";

let t: TestDb;
let labId: string;
let operator: { id: string; role: "operator"; labs: { id: string; role: "admin" | "technician" | "doctor" }[] };
const strong = "copper kettle orbit lantern";

const keyA = randomBytes(32).toString("base64");
/** Sets the TOTP keys of this process's configuration. */
function useTotpKeys(current: string, previous: string[] = []) {
  process.env.TOTP_ENCRYPTION_KEY = current;
  process.env.TOTP_ENCRYPTION_KEYS_PREVIOUS = previous.join(",");
  resetEnvCache();
}

beforeAll(async () => {
  useTotpKeys(keyA);
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
  delete process.env.TOTP_ENCRYPTION_KEY;
  delete process.env.TOTP_ENCRYPTION_KEYS_PREVIOUS;
  resetEnvCache();
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
  it("deactivating a person retires their open link, and reactivating does not revive it", async () => {
    const { userId, token } = await newPerson("leaver@lab.test");
    const before = (await getUserById(t.db, userId))!.passwordHash;
    expect(await inspectPasswordLink(t.db, token)).toMatchObject({ usable: true });
    expect(await setPersonActive(t.db, operator, { userId, active: false })).toEqual({ ok: true });
    expect(await setPersonActive(t.db, operator, { userId, active: true })).toEqual({ ok: true });
    expect(await inspectPasswordLink(t.db, token)).toEqual({ usable: false, message: linkMessages.expired });
    expect(await redeemPasswordLink(t.db, token, strong)).toEqual({
      ok: false,
      field: "link",
      message: linkMessages.expired,
    });
    expect((await getUserById(t.db, userId))!.passwordHash).toBe(before);
    const links = await t.db.select().from(passwordSetTokens).where(eq(passwordSetTokens.userId, userId));
    expect(links.every((link) => link.expiresAt.getTime() <= Date.now())).toBe(true);
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

  it("checks at most the limit of parallel wrong codes; the rest are refused as rate-limited, a right one too", async () => {
    const p = await enrolled("burst@lab.test");
    const user = await p.user();
    const right = await generate({ secret: p.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const wrong = right === "111111" ? "222222" : "111111";
    const outcomes = await Promise.all(
      Array.from({ length: 3 * TWO_FACTOR_LIMIT.failures }, () => checkSecondStep(t.db, user, wrong)),
    );
    const checked = outcomes.filter((o) => o === "two_factor_invalid").length;
    expect(checked).toBeLessThanOrEqual(TWO_FACTOR_LIMIT.failures);
    expect(outcomes.filter((o) => o === "two_factor_limited")).toHaveLength(outcomes.length - checked);
    if (checked === TWO_FACTOR_LIMIT.failures)
      expect(await checkSecondStep(t.db, await p.user(), right)).toBe("two_factor_limited");
  });

  it("counts a failure stamped just after `now` (a parallel attempt that read the clock later but locked first)", () => {
    const now = new Date("2026-01-01T12:00:00Z");
    const at = (ms: number) => new Date(now.getTime() + ms);
    const { failures, windowMs } = TWO_FACTOR_LIMIT;
    const justAfter = Array.from({ length: failures }, (_, i) => at(i + 1));
    expect(evaluateFailures(justAfter, failures, windowMs, now)).toEqual({ limited: true });
    const expired = Array.from({ length: failures }, () => at(-windowMs));
    expect(evaluateFailures(expired, failures, windowMs, now)).toEqual({ limited: false });
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

  describe("secrets at rest", () => {
    const storedSecret = async (userId: string) =>
      (await t.db.select({ stored: users.totpSecret }).from(users).where(eq(users.id, userId)))[0]!.stored!;
    const keyIdOf = (base64: string) => totpKeyId(Buffer.from(base64, "base64"));
    const keyB = randomBytes(32).toString("base64");
    const codeAfter = (secret: string, steps: number) =>
      generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * steps });

    it("enrolment stores a ciphertext under the current key, never the base32 secret", async () => {
      const { userId } = await newPerson("at-rest@lab.test", "admin");
      const enrolment = await beginEnrolment(t.db, userId);
      const pending = await storedSecret(userId);
      expect(pending).not.toContain(enrolment!.secret);
      expect(pending.split(".").slice(0, 2)).toEqual(["v1", keyIdOf(keyA)]);
      const done = await confirmEnrolment(t.db, userId, await generate({ secret: enrolment!.secret }));
      expect(done.ok).toBe(true);
      const stored = await storedSecret(userId);
      expect(stored).not.toContain(enrolment!.secret);
      expect(stored).toMatch(/^v1\./);
      // The second step of sign-in works with the encrypted secret.
      const user = (await getUserById(t.db, userId))!;
      expect(await checkSecondStep(t.db, user, await codeAfter(enrolment!.secret, 1))).toBe("ok");
    });

    it("a ciphertext copied to another user's row does not sign them in", async () => {
      const p = await enrolled("victim-row@lab.test");
      const other = await enrolled("copier-row@lab.test");
      await t.db
        .update(users)
        .set({ totpSecret: await storedSecret(p.userId) })
        .where(eq(users.id, other.userId));
      const code = await codeAfter(p.secret, 1);
      expect(await checkSecondStep(t.db, (await getUserById(t.db, other.userId))!, code)).toBe("two_factor_invalid");
      await t.db.update(users).set({ totpSecret: null, totpEnabledAt: null }).where(eq(users.id, other.userId));
    });

    it("reads a legacy plain-text secret and re-encrypts it on its next successful use", async () => {
      const p = await enrolled("legacy@lab.test");
      await t.db.update(users).set({ totpSecret: p.secret }).where(eq(users.id, p.userId));
      expect(await checkSecondStep(t.db, await p.user(), "000000")).toBe("two_factor_invalid");
      expect(await storedSecret(p.userId)).toBe(p.secret);
      expect(await checkSecondStep(t.db, await p.user(), await codeAfter(p.secret, 1))).toBe("ok");
      const stored = await storedSecret(p.userId);
      expect(stored).not.toContain(p.secret);
      expect(stored.split(".").slice(0, 2)).toEqual(["v1", keyIdOf(keyA)]);
    });

    it("rotation re-encrypts with a new key; the old key works until it is removed", async () => {
      const p = await enrolled("rotate@lab.test");
      const q = await enrolled("rotate-later@lab.test");
      const legacy = await enrolled("rotate-legacy@lab.test");
      await t.db.update(users).set({ totpSecret: legacy.secret }).where(eq(users.id, legacy.userId));
      try {
        useTotpKeys(keyB, [keyA]);
        // Before the rotation, secrets under the old key still sign in.
        expect(await checkSecondStep(t.db, await p.user(), await codeAfter(p.secret, 1))).toBe("ok");
        const report = await reencryptTotpSecrets(t.db, totpKeyring(keyB, [keyA]));
        expect(report.total).toBe(report.reencrypted + report.alreadyCurrent);
        expect(report.reencrypted).toBeGreaterThanOrEqual(2);
        expect(report.legacy).toBeGreaterThanOrEqual(1);
        const all = await t.db.select({ stored: users.totpSecret }).from(users);
        for (const { stored } of all) if (stored) expect(stored.split(".").slice(0, 2)).toEqual(["v1", keyIdOf(keyB)]);
        // A second run has nothing left to do.
        expect(await reencryptTotpSecrets(t.db, totpKeyring(keyB, [keyA]))).toMatchObject({ reencrypted: 0 });
        // The old key removed: everyone still signs in.
        useTotpKeys(keyB);
        expect(await checkSecondStep(t.db, await q.user(), await codeAfter(q.secret, 1))).toBe("ok");
        expect(await checkSecondStep(t.db, await legacy.user(), await codeAfter(legacy.secret, 1))).toBe("ok");
      } finally {
        useTotpKeys(keyA, []);
      }
    });

    it("rotation refuses, changing nothing, when a secret decrypts with no known key, naming only the user", async () => {
      const p = await enrolled("lost-key@lab.test");
      const lostKey = randomBytes(32).toString("base64");
      const orphan = encryptTotpSecret(p.secret, p.userId, totpKeyring(lostKey));
      await t.db.update(users).set({ totpSecret: orphan }).where(eq(users.id, p.userId));
      const before = await t.db.select({ id: users.id, stored: users.totpSecret }).from(users).orderBy(users.id);
      const keyC = randomBytes(32).toString("base64");
      const refusal = await reencryptTotpSecrets(t.db, totpKeyring(keyC, [keyA, keyB])).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(TotpRotationError);
      expect((refusal as TotpRotationError).userIds).toEqual([p.userId]);
      expect((refusal as Error).message).toContain(p.userId);
      expect((refusal as Error).message).not.toContain(p.secret);
      expect(await t.db.select({ id: users.id, stored: users.totpSecret }).from(users).orderBy(users.id)).toEqual(
        before,
      );
    });
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
