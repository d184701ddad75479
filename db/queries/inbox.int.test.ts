import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { reportInboxEntries, reportSignOffs } from "@/db/schema";
import { incoming, submitForNewPatient, twoLabsSuite } from "@/db/testing/deliveries";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb } from "@/lib/testing/test-db";
import { attachUnmatchedReport } from "./deliveries";
import {
  assignReport,
  copyReportTo,
  getInboxEntry,
  listInbox,
  listLabDoctors,
  listOverdueCritical,
  setFollowUp,
  setLabResultFlag,
  signOffReport,
  updateLabInboxSettings,
} from "./inbox";
import { createLabResultSubmission } from "./lab-result-submissions";
import { markReportRead } from "./report-read-marks";
import { createUser } from "./users";

const ctx = twoLabsSuite(createTestDb);
let drA: string; // the physician named at upload of ACC-100 (her e-mail)
let drColleague: string;
let drB: string; // a doctor of lab B only
let techA: string;

const scopeA = (userId: string) => scopeFor(userId, [ctx.labA]);

async function newResult(accession: string, patientId: string, flag?: "normal" | "abnormal" | "critical") {
  return createLabResultSubmission(
    ctx.db,
    {
      labId: ctx.labA,
      userId: techA,
      patient: {
        kind: "new",
        patientId,
        givenName: "Grace",
        familyName: `Hopper-${patientId}`,
        birthDate: "1970-01-01",
        sex: "female",
      },
      accessionNumber: accession,
      mode: "interpret",
      physicianEmail: "Dr.Alice@A.test",
      flag,
      file: { bytes: new Uint8Array([1]), sha256: "x", fileName: "r.pdf" },
    },
    async () => {},
  );
}

beforeAll(async () => {
  const mk = async (email: string, name: string, role: "doctor" | "technician", labIds: string[]) =>
    (await createUser(ctx.db, { email, name, passwordHash: "x", role, labIds })).id;
  drA = await mk("dr.alice@a.test", "Alice Doctor", "doctor", [ctx.labA]);
  drColleague = await mk("dr.carl@a.test", "Carl Colleague", "doctor", [ctx.labA]);
  drB = await mk("dr.bob@b.test", "Bob Other", "doctor", [ctx.labB]);
  techA = await mk("tech@a.test", "Tess Tech", "technician", [ctx.labA]);
});

describe("the results inbox", () => {
  it("assigns a delivered report to the physician named at upload when she is a doctor of the lab, and orders critical, abnormal, oldest", async () => {
    const normal = await newResult("ACC-N", "P-N", "normal");
    const critical = await newResult("ACC-C", "P-C", "critical");
    const abnormal = await newResult("ACC-X", "P-X", "abnormal");
    const rN = await ctx.store(incoming({ referenceId: "ACC-N", patientId: "P-N" }), "n1");
    const rC = await ctx.store(incoming({ referenceId: "ACC-C", patientId: "P-C" }), "c1");
    const rX = await ctx.store(incoming({ referenceId: "ACC-X", patientId: "P-X" }), "x1");
    expect([normal, critical, abnormal].every((r) => r.labResultId)).toBe(true);

    const mine = await listInbox(ctx.db, scopeA(drA), { assignee: "mine" });
    expect(mine.rows.map((r) => r.reportId)).toEqual([rC.reportId, rX.reportId, rN.reportId]);
    expect(mine.rows.every((r) => r.ownerId === drA && r.state === "new" && !r.amended)).toBe(true);
    // ACC-100 (seeded without a physician's e-mail) would be unassigned; it has no report yet.
    expect((await listInbox(ctx.db, scopeA(drColleague), { assignee: "mine" })).total).toBe(0);
    expect((await listInbox(ctx.db, scopeA(drA), { flag: "critical" })).rows.map((r) => r.reportId)).toEqual([
      rC.reportId,
    ]);
    expect((await listInbox(ctx.db, scopeA(drA), { patient: "hopper-p-x" })).rows.map((r) => r.reportId)).toEqual([
      rX.reportId,
    ]);
    // Opened by its owner: viewed.
    await markReportRead(ctx.db, scopeA(drA), rN.reportId);
    expect((await getInboxEntry(ctx.db, scopeA(drA), rN.reportId))?.viewedByOwner).toBe(true);
    expect((await listInbox(ctx.db, scopeA(drA), { flag: "normal" })).rows[0]?.state).toBe("viewed");
  });

  it("leaves a report unassigned when the physician's e-mail is no doctor of the lab, for any doctor to take", async () => {
    const r = await ctx.store(incoming(), "acc100-v1");
    const entry = await getInboxEntry(ctx.db, scopeA(drColleague), r.reportId);
    expect(entry?.ownerId).toBeNull();
    expect(
      (await listInbox(ctx.db, scopeA(drColleague), { assignee: "unassigned" })).rows.map((x) => x.reportId),
    ).toContain(r.reportId);
    const taken = await assignReport(ctx.db, scopeA(drColleague), r.reportId, drColleague);
    expect(taken.ok).toBe(true);
    expect((await getInboxEntry(ctx.db, scopeA(drColleague), r.reportId))?.ownerId).toBe(drColleague);
  });

  it("signs a version off once; it leaves the inbox; a second sign-off is refused", async () => {
    const [critical] = (await listInbox(ctx.db, scopeA(drA), { flag: "critical" })).rows;
    const first = await signOffReport(ctx.db, scopeA(drA), critical!.reportId, "Called the ward");
    expect(first.ok).toBe(true);
    const again = await signOffReport(ctx.db, scopeA(drColleague), critical!.reportId, null);
    expect(again).toEqual({ ok: false, reason: "already_signed_off" });
    const signOffs = await ctx.db.select().from(reportSignOffs).where(eq(reportSignOffs.reportId, critical!.reportId));
    expect(signOffs).toHaveLength(1);
    expect(signOffs[0]).toMatchObject({ signedOffById: drA, comment: "Called the ward", labId: ctx.labA });
    expect((await listInbox(ctx.db, scopeA(drA), { assignee: "all" })).rows.map((r) => r.reportId)).not.toContain(
      critical!.reportId,
    );
    const entry = await getInboxEntry(ctx.db, scopeA(drA), critical!.reportId);
    expect(entry?.signOff?.signedOffByName).toBe("Alice Doctor");
    expect(entry?.signOff?.afterDeliveryMs).toBeGreaterThanOrEqual(0);
  });

  it("puts a signed-off report back as amended when a new version arrives, with the same owner", async () => {
    const [abnormal] = (await listInbox(ctx.db, scopeA(drA), { flag: "abnormal" })).rows;
    expect((await signOffReport(ctx.db, scopeA(drA), abnormal!.reportId, null)).ok).toBe(true);
    const v2 = await ctx.store(incoming({ referenceId: "ACC-X", patientId: "P-X", sha256: "amended" }), "x2");
    const rows = (await listInbox(ctx.db, scopeA(drA), { flag: "abnormal" })).rows;
    expect(rows.map((r) => [r.reportId, r.version, r.amended, r.ownerId])).toEqual([[v2.reportId, 2, true, drA]]);
  });

  it("replaces an unsigned version by its amendment: only the newest awaits sign-off, the old one cannot be signed", async () => {
    const [normal] = (await listInbox(ctx.db, scopeA(drA), { flag: "normal" })).rows;
    const v2 = await ctx.store(incoming({ referenceId: "ACC-N", patientId: "P-N", sha256: "n-amended" }), "n2");
    const rows = (await listInbox(ctx.db, scopeA(drA), { flag: "normal" })).rows;
    expect(rows.map((r) => r.reportId)).toEqual([v2.reportId]);
    expect(await signOffReport(ctx.db, scopeA(drA), normal!.reportId, null)).toEqual({
      ok: false,
      reason: "superseded",
    });
  });

  it("reassigning moves responsibility; later versions stay with the new owner", async () => {
    const [amended] = (await listInbox(ctx.db, scopeA(drA), { flag: "abnormal" })).rows;
    const moved = await assignReport(ctx.db, scopeA(drA), amended!.reportId, drColleague);
    expect(moved).toMatchObject({ ok: true, previousOwnerId: drA });
    expect((await listInbox(ctx.db, scopeA(drA), { flag: "abnormal" })).total).toBe(0);
    expect((await listInbox(ctx.db, scopeA(drColleague), { flag: "abnormal" })).rows[0]?.ownerId).toBe(drColleague);
    // A doctor of another lab, or a technician, cannot be made the owner.
    expect(await assignReport(ctx.db, scopeA(drColleague), amended!.reportId, drB)).toEqual({
      ok: false,
      reason: "not_a_doctor",
    });
    expect(await assignReport(ctx.db, scopeA(drColleague), amended!.reportId, techA)).toEqual({
      ok: false,
      reason: "not_a_doctor",
    });
    const v3 = await ctx.store(incoming({ referenceId: "ACC-X", patientId: "P-X", sha256: "amended-again" }), "x3");
    expect((await getInboxEntry(ctx.db, scopeA(drA), v3.reportId))?.ownerId).toBe(drColleague);
  });

  it("copy-to shows the report to a colleague without moving ownership", async () => {
    const [normal] = (await listInbox(ctx.db, scopeA(drA), { flag: "normal" })).rows;
    expect(await copyReportTo(ctx.db, scopeA(drA), normal!.reportId, drA)).toEqual({ ok: false, reason: "is_owner" });
    const copied = await copyReportTo(ctx.db, scopeA(drA), normal!.reportId, drColleague);
    expect(copied).toMatchObject({ ok: true, added: true });
    expect(
      (await copyReportTo(ctx.db, scopeA(drA), normal!.reportId, drColleague)) as { added?: boolean },
    ).toMatchObject({
      added: false,
    });
    const theirs = (await listInbox(ctx.db, scopeA(drColleague), { assignee: "mine", flag: "normal" })).rows;
    expect(theirs.map((r) => [r.reportId, r.ownerId, r.copiedToMe])).toEqual([[normal!.reportId, drA, true]]);
    const entry = await getInboxEntry(ctx.db, scopeA(drA), normal!.reportId);
    expect(entry?.ownerId).toBe(drA);
    expect(entry?.copies.map((c) => c.name)).toEqual(["Carl Colleague"]);
  });

  it("marks and clears follow-up", async () => {
    const [normal] = (await listInbox(ctx.db, scopeA(drA), { flag: "normal" })).rows;
    expect((await setFollowUp(ctx.db, scopeA(drA), normal!.reportId, "Repeat in 3 months")).ok).toBe(true);
    expect((await getInboxEntry(ctx.db, scopeA(drA), normal!.reportId))?.followUp?.note).toBe("Repeat in 3 months");
    expect((await listInbox(ctx.db, scopeA(drA), { flag: "normal" })).rows[0]?.followUpNote).toBe("Repeat in 3 months");
    await setFollowUp(ctx.db, scopeA(drA), normal!.reportId, null);
    expect((await getInboxEntry(ctx.db, scopeA(drA), normal!.reportId))?.followUp).toBeNull();
  });

  it("escalates a critical report not signed off within the lab's window, until it is signed off", async () => {
    await newResult("ACC-C2", "P-C2", "critical");
    const r = await ctx.store(incoming({ referenceId: "ACC-C2", patientId: "P-C2" }), "c2");
    expect(await listOverdueCritical(ctx.db, scopeA(ctx.adminA))).toEqual([]);
    await updateLabInboxSettings(ctx.db, ctx.labA, { criticalSignOffMinutes: 1, amberDays: 7, redDays: 14 });
    await ctx.db
      .update(reportInboxEntries)
      .set({ receivedAt: sql`now() - interval '2 minutes'` })
      .where(eq(reportInboxEntries.reportId, r.reportId));
    expect((await listOverdueCritical(ctx.db, scopeA(ctx.adminA))).map((o) => o.reportId)).toEqual([r.reportId]);
    expect((await listOverdueCritical(ctx.db, scopeA(drColleague))).map((o) => o.reportId)).toEqual([r.reportId]);
    expect(await listOverdueCritical(ctx.db, scopeFor(drB, [ctx.labB]))).toEqual([]);
    expect((await signOffReport(ctx.db, scopeA(drColleague), r.reportId, null)).ok).toBe(true);
    expect(await listOverdueCritical(ctx.db, scopeA(ctx.adminA))).toEqual([]);
  });

  it("filters by age (days waiting)", async () => {
    const [normal] = (await listInbox(ctx.db, scopeA(drA), { flag: "normal" })).rows;
    expect((await listInbox(ctx.db, scopeA(drA), { minAgeDays: 7, assignee: "all" })).total).toBe(0);
    await ctx.db
      .update(reportInboxEntries)
      .set({ receivedAt: sql`now() - interval '8 days'` })
      .where(eq(reportInboxEntries.reportId, normal!.reportId));
    expect(
      (await listInbox(ctx.db, scopeA(drA), { minAgeDays: 7, assignee: "all" })).rows.map((r) => r.reportId),
    ).toEqual([normal!.reportId]);
  });

  it("gives a doctor of lab B nothing of lab A, by list or by id", async () => {
    const scopeB = scopeFor(drB, [ctx.labB]);
    const all = await listInbox(ctx.db, scopeA(drA), { assignee: "all" });
    expect(all.total).toBeGreaterThan(0);
    expect((await listInbox(ctx.db, scopeB, { assignee: "all" })).total).toBe(0);
    expect(await listLabDoctors(ctx.db, scopeB)).toEqual([{ id: drB, name: "Bob Other", email: "dr.bob@b.test" }]);
    const id = all.rows[0]!.reportId;
    expect(await getInboxEntry(ctx.db, scopeB, id)).toBeUndefined();
    expect(await signOffReport(ctx.db, scopeB, id, null)).toEqual({ ok: false, reason: "not_found" });
    expect(await assignReport(ctx.db, scopeB, id, drB)).toEqual({ ok: false, reason: "not_found" });
    expect(await copyReportTo(ctx.db, scopeB, id, drB)).toEqual({ ok: false, reason: "not_found" });
    expect(await setFollowUp(ctx.db, scopeB, id, "x")).toEqual({ ok: false, reason: "not_found" });
    expect(await setLabResultFlag(ctx.db, scopeB, all.rows[0]!.labResultId, "critical")).toEqual({ ok: false });
    // A user of both labs working in B sees nothing of A either.
    expect(await getInboxEntry(ctx.db, scopeFor(drA, [ctx.labB]), id)).toBeUndefined();
    const [entry] = await ctx.db
      .select({ awaiting: reportInboxEntries.awaitingSignOff })
      .from(reportInboxEntries)
      .where(and(eq(reportInboxEntries.reportId, id)));
    expect(entry?.awaiting).toBe(true);
  });

  it("changes the lab's flag (which reorders the inbox) and opens an entry for a report attached by hand", async () => {
    const { labResultId } = await submitForNewPatient(ctx.db, {
      labId: ctx.labA,
      userId: techA,
      patient: { patientId: "P-ATT", givenName: "Al", familyName: "Attached", birthDate: "1990-01-01", sex: "male" },
      accessionNumber: "ACC-ATT",
      fileName: "a.pdf",
    });
    const late = await ctx.store(incoming({ referenceId: "ACC-NOPE", patientId: "P-ATT" }), "late");
    expect(await getInboxEntry(ctx.db, scopeA(drA), late.reportId)).toBeUndefined();
    await attachUnmatchedReport(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), late.reportId, labResultId);
    expect((await getInboxEntry(ctx.db, scopeA(drA), late.reportId))?.flag).toBeNull();
    expect(await setLabResultFlag(ctx.db, scopeA(techA), labResultId, "critical")).toEqual({
      ok: true,
      previous: null,
    });
    const first = (await listInbox(ctx.db, scopeA(drA), { assignee: "all" })).rows[0];
    expect(first?.reportId).toBe(late.reportId);
  });
});
