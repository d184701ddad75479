import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "@/db/queries/users";
import type { QueryScope } from "@/db/queries/scope";
import { auditEvents, labs, shareLinks } from "@/db/schema";
import { incoming, seedTwoLabs, storeReport, type TwoLabs } from "@/db/testing/deliveries";
import { resetEnvCache } from "@/lib/env";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createShareLink, enterPin, listShareLinksForReport, openShareLink, revokeLink, sharedPdf } from "./links";
import { hashShareToken, newShareToken } from "./tokens";

/** Share links against a real database: their life, their locks, and their lab's walls. */

let t: TestDb;
let seed: TwoLabs;
let reportId: string;
let doctorA: QueryScope;
let doctorB: QueryScope;
let ipCounter = 0;
/** Each case its own address, so that the per-address PIN limit is tested only where meant. */
const ip = () => `10.0.0.${++ipCounter}`;

async function make(overrides: Partial<Parameters<typeof createShareLink>[2]> = {}, scope = doctorA) {
  const outcome = await createShareLink(
    t.db,
    scope,
    { reportId, audience: "physician", recipient: "Dr. Outside", days: 14, singleUse: false, ...overrides },
    "127.0.0.1",
  );
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.link;
}

async function unlock(token: string, pin: string, from = ip()) {
  const outcome = await enterPin(t.db, token, pin, from);
  return outcome;
}

const wrongPinOf = (pin: string) => String((Number(pin) + 1) % 1_000_000).padStart(6, "0");

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "share-link-test-secret-of-enough-length-0123456789";
  resetEnvCache();
  t = await createTestDb();
  seed = await seedTwoLabs(t.db);
  reportId = (await storeReport(t.db, incoming())).reportId;
  const doctor = async (email: string, labId: string): Promise<QueryScope> => ({
    userId: (await createUser(t.db, { email, name: email, passwordHash: "x", role: "doctor", labIds: [labId] })).id,
    role: "doctor",
    labIds: [labId],
    labId,
  });
  doctorA = await doctor("doc@a.test", seed.labA);
  doctorB = await doctor("doc@b.test", seed.labB);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("a share link's life", () => {
  it("is stored hashed: neither the token nor the PIN is kept", async () => {
    const link = await make();
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.pin).toMatch(/^\d{6}$/);
    const [row] = await t.db.select().from(shareLinks).where(eq(shareLinks.id, link.linkId));
    expect(row!.tokenHash).toBe(hashShareToken(link.token));
    expect(row!.pinHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(row)).not.toContain(link.token);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeGreaterThan(13.9 * 86_400_000);
  });

  it("asks for the PIN, opens with the right one, and serves the PDF only to the viewer's cookie", async () => {
    const link = await make();
    expect(await openShareLink(t.db, link.token, undefined, ip())).toMatchObject({ kind: "pin" });
    expect(await sharedPdf(t.db, link.token, undefined, ip())).toEqual({ kind: "denied", state: "pin" });
    const ok = await unlock(link.token, link.pin);
    expect(ok.kind).toBe("ok");
    const cookie = ok.kind === "ok" ? ok.cookie : "";
    expect(ok.kind === "ok" && ok.cookieMaxAgeSeconds).toBeLessThanOrEqual(15 * 60);
    expect(await openShareLink(t.db, link.token, cookie, ip())).toMatchObject({ kind: "view" });
    const pdf = await sharedPdf(t.db, link.token, cookie, ip());
    expect(pdf.kind).toBe("pdf");
    expect(pdf.kind === "pdf" && pdf.fileName).toBe("interpretation-ACC-100.pdf");

    // The cookie is for this link alone: copied to another link, it opens nothing.
    const other = await make();
    expect(await sharedPdf(t.db, other.token, cookie, ip())).toEqual({ kind: "denied", state: "pin" });
    expect(await openShareLink(t.db, other.token, cookie, ip())).toMatchObject({ kind: "pin" });

    // Every step is in the audit trail, with the link's id and never its token.
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.reportId, reportId), like(auditEvents.action, "share_link.%")));
    const mine = events.filter((e) => e.details?.shareLinkId === link.linkId).map((e) => e.action);
    expect(mine).toEqual(
      expect.arrayContaining(["share_link.create", "share_link.open", "share_link.pin_ok", "share_link.document"]),
    );
    expect(JSON.stringify(events)).not.toContain(link.token);
    expect(JSON.stringify(events)).not.toContain(`"${link.pin}"`);
  });

  it("locks after five wrong PINs, and then the right one no longer opens it", async () => {
    const link = await make();
    const wrong = wrongPinOf(link.pin);
    for (let i = 1; i <= 4; i++) {
      expect(await unlock(link.token, wrong)).toEqual({ kind: "wrong", attemptsLeft: 5 - i });
    }
    expect(await unlock(link.token, wrong)).toEqual({ kind: "closed", state: "locked" });
    expect(await unlock(link.token, link.pin)).toEqual({ kind: "closed", state: "locked" });
    expect(await openShareLink(t.db, link.token, undefined, ip())).toEqual({ kind: "closed", state: "locked" });
    const wrongs = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "share_link.pin_wrong"));
    expect(wrongs.filter((e) => e.details?.shareLinkId === link.linkId)).toHaveLength(5);
  });

  it("counts wrong PINs sent at once without losing any", async () => {
    const link = await make();
    const wrong = wrongPinOf(link.pin);
    await Promise.all(Array.from({ length: 8 }, () => unlock(link.token, wrong)));
    const [row] = await t.db.select().from(shareLinks).where(eq(shareLinks.id, link.linkId));
    expect(row!.failedPins).toBe(8);
    expect(row!.lockedAt).not.toBeNull();
  });

  it("ends when revoked, even for a viewer who already has the cookie", async () => {
    const link = await make();
    const ok = await unlock(link.token, link.pin);
    const cookie = ok.kind === "ok" ? ok.cookie : "";
    expect(await revokeLink(t.db, doctorA, link.linkId, "127.0.0.1")).toBe(true);
    expect(await openShareLink(t.db, link.token, cookie, ip())).toEqual({ kind: "closed", state: "revoked" });
    expect(await sharedPdf(t.db, link.token, cookie, ip())).toEqual({ kind: "denied", state: "revoked" });
    expect(await unlock(link.token, link.pin)).toEqual({ kind: "closed", state: "revoked" });
  });

  it("ends when it expires", async () => {
    const link = await make({ days: 1 });
    const later = new Date(Date.now() + 2 * 86_400_000);
    expect(await openShareLink(t.db, link.token, undefined, ip(), later)).toEqual({ kind: "closed", state: "expired" });
    expect(await enterPin(t.db, link.token, link.pin, ip(), later)).toEqual({ kind: "closed", state: "expired" });
  });

  it("single use: previews and page loads do not spend it; the first right PIN does, for that viewer only", async () => {
    const link = await make({ singleUse: true });
    for (let i = 0; i < 3; i++) {
      expect(await openShareLink(t.db, link.token, undefined, ip())).toMatchObject({ kind: "pin" });
    }
    const first = await unlock(link.token, link.pin);
    expect(first.kind).toBe("ok");
    const cookie = first.kind === "ok" ? first.cookie : "";
    // The viewer who spent it still reads it while the cookie lasts.
    expect(await openShareLink(t.db, link.token, cookie, ip())).toMatchObject({ kind: "view" });
    expect((await sharedPdf(t.db, link.token, cookie, ip())).kind).toBe("pdf");
    // Another viewer, even with the right PIN, does not.
    expect(await openShareLink(t.db, link.token, undefined, ip())).toEqual({ kind: "closed", state: "used" });
    expect(await unlock(link.token, link.pin)).toEqual({ kind: "closed", state: "used" });
  });

  it("stops working when the lab turns that kind of link off, and patients' links are off by default", async () => {
    const link = await make();
    await t.db.update(labs).set({ shareLinksPhysicians: false }).where(eq(labs.id, seed.labA));
    try {
      expect(await openShareLink(t.db, link.token, undefined, ip())).toEqual({ kind: "closed", state: "unavailable" });
      expect(await unlock(link.token, link.pin)).toEqual({ kind: "closed", state: "unavailable" });
      expect(
        await createShareLink(
          t.db,
          doctorA,
          { reportId, audience: "physician", recipient: null, days: 14, singleUse: false },
          "127.0.0.1",
        ),
      ).toEqual({ ok: false, reason: "audience_off" });
    } finally {
      await t.db.update(labs).set({ shareLinksPhysicians: true }).where(eq(labs.id, seed.labA));
    }
    expect(
      await createShareLink(
        t.db,
        doctorA,
        { reportId, audience: "patient", recipient: null, days: 14, singleUse: false },
        "127.0.0.1",
      ),
    ).toEqual({ ok: false, reason: "audience_off" });
  });
});

describe("attacks from outside", () => {
  it("finds nothing with a guessed, partial or oddly encoded token", async () => {
    const link = await make();
    for (const token of [
      newShareToken(),
      link.token.slice(0, 42),
      `${link.token}=`,
      encodeURIComponent(`${link.token.slice(0, 41)}+/`),
      link.token.toUpperCase() === link.token ? link.token.toLowerCase() : link.token.toUpperCase(),
      `${link.token}%00`,
      "../../api/reports",
      "",
      42,
    ]) {
      expect(await openShareLink(t.db, token, undefined, ip()), String(token)).toEqual({ kind: "unknown" });
      expect(await enterPin(t.db, token, link.pin, ip()), String(token)).toEqual({ kind: "unknown" });
      expect(await sharedPdf(t.db, token, undefined, ip())).toEqual({ kind: "denied", state: "unknown" });
    }
  });

  it("limits PIN attempts from one address, whatever the links", async () => {
    const hammer = "10.9.9.9";
    const links = await Promise.all([make(), make(), make(), make(), make()]);
    const outcomes: string[] = [];
    for (let i = 0; i < 24; i++) {
      const link = links[i % links.length]!;
      const tokenOrGuess = i % 2 === 0 ? link.token : newShareToken();
      outcomes.push((await enterPin(t.db, tokenOrGuess, "000000", hammer)).kind);
    }
    expect(outcomes.slice(0, 20)).not.toContain("rate_limited");
    expect(outcomes.slice(20)).toEqual(["rate_limited", "rate_limited", "rate_limited", "rate_limited"]);
    // Even the right PIN is refused from that address while it is limited.
    expect((await enterPin(t.db, links[0]!.token, links[0]!.pin, hammer)).kind).toBe("rate_limited");
  });

  it("keeps another lab's doctor from making, listing or revoking links of this lab's report", async () => {
    const link = await make();
    expect(
      await createShareLink(
        t.db,
        doctorB,
        { reportId, audience: "physician", recipient: null, days: 14, singleUse: false },
        "127.0.0.1",
      ),
    ).toEqual({ ok: false, reason: "not_found" });
    expect(await listShareLinksForReport(t.db, doctorB, reportId)).toEqual([]);
    expect(await revokeLink(t.db, doctorB, link.linkId, "127.0.0.1")).toBe(false);
    const [row] = await t.db.select().from(shareLinks).where(eq(shareLinks.id, link.linkId));
    expect(row!.revokedAt).toBeNull();
    // Lab A's doctor sees it, with its accesses, and never its hashes.
    const listed = await listShareLinksForReport(t.db, doctorA, reportId);
    const mine = listed.find((l) => l.id === link.linkId);
    expect(mine?.accesses.map((a) => a.action)).toContain("share_link.create");
    expect(mine).not.toHaveProperty("tokenHash");
    expect(mine).not.toHaveProperty("pinHash");
  });
});
