import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveries, documents, interpretationReports, labResults, patients } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createLabResultSubmission } from "./lab-result-submissions";
import { createLab } from "./labs";
import { attachUnmatchedReport, listDeliveriesForAdmin, listUnmatchedReportsForAdmin } from "./deliveries";
import {
  getReviewedAt,
  listUnreadReportsForUser,
  markReportRead,
  markReportReviewed,
  UNREAD_COUNT_CAP,
  UNREAD_WINDOW_DAYS,
} from "./report-read-marks";
import { getReportDocumentForUser, listReportsForLabResult } from "./reports";
import { storeDeliveredReport, type IncomingReport } from "./system/deliveries";
import { listDeliveriesWithoutLab, listLablessReportsForOperator, routeReportToLab } from "./system/operator-triage";
import { createUser } from "./users";

let t: TestDb;
let labA: string;
let labB: string;
let adminA: string;
let labResultId: string;

const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\nstartxref\n0\n%%EOF\n");

function incoming(overrides: Partial<IncomingReport> = {}): IncomingReport {
  return {
    patientId: "P-100",
    referenceId: "ACC-100",
    partnerLabId: "lab-a",
    fileName: "interpretation-ACC-100.pdf",
    pdf,
    sha256: createHash("sha256").update(pdf).digest("hex"),
    metadata: {},
    ...overrides,
  };
}

function store(report: IncomingReport, webhookId: string | null = null) {
  return storeDeliveredReport(t.db, report, {
    webhookId,
    remoteIp: "127.0.0.1",
    bodyBytes: 1000,
    idempotencyKey: (labKey) =>
      webhookId ? `wh:${webhookId}` : `h:${labKey}:${report.referenceId}:${report.patientId}:${report.sha256}`,
  });
}

beforeAll(async () => {
  t = await createTestDb();
  labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  labB = (await createLab(t.db, { name: "Lab B", partnerLabId: "lab-b" })).id;
  adminA = (
    await createUser(t.db, { email: "admin@a.test", name: "Admin", passwordHash: "x", role: "admin", labIds: [labA] })
  ).id;
  ({ labResultId } = await createLabResultSubmission(
    t.db,
    {
      labId: labA,
      userId: adminA,
      patient: {
        kind: "new",
        patientId: "P-100",
        givenName: "Ada",
        familyName: "Lovelace",
        birthDate: "1980-01-01",
        sex: "female",
      },
      accessionNumber: "ACC-100",
      mode: "interpret",
      file: { bytes: pdf, sha256: "x", fileName: "cbc.pdf" },
    },
    async () => {},
  ));
});

afterAll(async () => {
  await t?.close();
});

describe("storeDeliveredReport", () => {
  it("matches a report to its lab result by lab, accession and patient id, and marks it ready", async () => {
    const [patientBefore] = await t.db.select().from(patients).where(eq(patients.patientId, "P-100"));
    const stored = await store(incoming({ metadata: { doctor_note: "urgent" } }), "msg_1");
    expect(stored).toMatchObject({ duplicate: false, matched: true, labId: labA });
    const [lr] = await t.db.select().from(labResults).where(eq(labResults.id, labResultId));
    expect(lr?.status).toBe("report_ready");
    const [report] = await t.db
      .select()
      .from(interpretationReports)
      .where(eq(interpretationReports.id, stored.reportId));
    expect(report).toMatchObject({
      labId: labA,
      patientId: patientBefore?.id,
      labResultId,
      matchState: "matched",
      referenceId: "ACC-100",
      deliveredPatientId: "P-100",
      partnerLabId: "lab-a",
      version: 1,
      supersedesId: null,
      idempotencyKey: "wh:msg_1",
      metadata: { doctor_note: "urgent" },
    });
    const [doc] = await t.db.select().from(documents).where(eq(documents.id, report!.documentId));
    expect(doc).toMatchObject({
      labId: labA,
      sizeBytes: pdf.byteLength,
      mimeType: "application/pdf",
      fileName: "interpretation-ACC-100.pdf",
    });
    expect(Buffer.from(doc!.bytes).equals(Buffer.from(pdf))).toBe(true);
    const [patientAfter] = await t.db.select().from(patients).where(eq(patients.id, patientBefore!.id));
    expect(patientAfter!.lastActivityAt.getTime()).toBeGreaterThanOrEqual(patientBefore!.lastActivityAt.getTime());
    const [log] = await t.db.select().from(deliveries).where(eq(deliveries.reportId, stored.reportId));
    expect(log).toMatchObject({
      outcome: "accepted",
      httpStatus: 200,
      reason: null,
      idempotencyKey: "wh:msg_1",
      webhookId: "msg_1",
      labId: labA,
      partnerLabId: "lab-a",
      referenceId: "ACC-100",
      remoteIp: "127.0.0.1",
      bodyBytes: 1000,
    });
  });

  it("answers a repeat with the same report and stores nothing new", async () => {
    const before = await t.db.$count(interpretationReports);
    const again = await store(incoming(), "msg_1");
    expect(again.duplicate).toBe(true);
    expect(await t.db.$count(interpretationReports)).toBe(before);
    expect(await t.db.$count(deliveries, eq(deliveries.outcome, "duplicate"))).toBe(1);
  });

  it("stores exactly one report for twenty identical deliveries in parallel", async () => {
    const before = await t.db.$count(interpretationReports);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store(incoming({ referenceId: "ACC-100" }), "msg_parallel")),
    );
    expect(new Set(results.map((r) => r.reportId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await t.db.$count(interpretationReports)).toBe(before + 1);
  });

  it("keeps a second report for the same lab result as a new version; the older one is superseded", async () => {
    const reports = await listReportsForLabResult(t.db, [labA], labResultId);
    expect(reports.map((r) => [r.version, r.superseded])).toEqual([
      [2, false],
      [1, true],
    ]);
    const [newest] = await t.db
      .select()
      .from(interpretationReports)
      .where(eq(interpretationReports.id, reports[0]!.id));
    expect(newest?.supersedesId).toBe(reports[1]!.id);
  });

  it("parks a report that matches no lab result, or names an unknown partner lab, as unmatched", async () => {
    const noMatch = await store(incoming({ referenceId: "ACC-404" }), "msg_nomatch");
    const unknownLab = await store(incoming({ partnerLabId: "who-knows" }), "msg_unknown");
    expect(noMatch).toMatchObject({ matched: false, labId: labA });
    expect(unknownLab).toMatchObject({ matched: false, labId: null });
    const listed = (await listUnmatchedReportsForAdmin(t.db, [labA])).map((r) => r.id);
    expect(listed).toContain(noMatch.reportId);
    // A report of an unknown lab is no lab admin's: only the platform operator sees it.
    expect(listed).not.toContain(unknownLab.reportId);
    const forB = (await listUnmatchedReportsForAdmin(t.db, [labB])).map((r) => r.id);
    expect(forB).not.toContain(unknownLab.reportId);
    expect(forB).not.toContain(noMatch.reportId);
    const forOperator = (await listLablessReportsForOperator(t.db)).map((r) => r.id);
    expect(forOperator).toContain(unknownLab.reportId);
    expect(forOperator).not.toContain(noMatch.reportId);
  });

  it("lets an admin attach an unmatched report to a lab result of their lab, as the newest version", async () => {
    const unmatched = await store(incoming({ referenceId: "ACC-LATE" }), "msg_late");
    expect(await attachUnmatchedReport(t.db, { id: adminA, labIds: [labB] }, unmatched.reportId, labResultId)).toEqual({
      ok: false,
      reason: "not_found",
    });
    const before = (await listReportsForLabResult(t.db, [labA], labResultId))[0]?.version ?? 0;
    expect(
      await attachUnmatchedReport(t.db, { id: adminA, labIds: [labA] }, unmatched.reportId, labResultId),
    ).toMatchObject({ ok: true, labId: labA, patientMismatch: false });
    const reports = await listReportsForLabResult(t.db, [labA], labResultId);
    expect(reports[0]).toMatchObject({ id: unmatched.reportId, version: before + 1, superseded: false });
    expect(await attachUnmatchedReport(t.db, { id: adminA, labIds: [labA] }, unmatched.reportId, labResultId)).toEqual({
      ok: false,
      reason: "not_found",
    });
  });

  it("never shows a report to another lab", async () => {
    const [report] = await listReportsForLabResult(t.db, [labA], labResultId);
    expect(await getReportDocumentForUser(t.db, [labB], report!.id)).toBeUndefined();
    expect(await listReportsForLabResult(t.db, [labB], labResultId)).toEqual([]);
    const bytes = (await getReportDocumentForUser(t.db, [labA], report!.id))?.bytes;
    expect(Buffer.from(bytes ?? new Uint8Array()).equals(Buffer.from(pdf))).toBe(true);
  });

  it("counts reports as new for a user until that user opens them", async () => {
    const before = await listUnreadReportsForUser(t.db, adminA, labA);
    // Versions 1 and 2 as delivered, and the attached version 3.
    expect(before.count).toBe(3);
    await markReportRead(t.db, adminA, before.latest[0]!.id);
    await markReportRead(t.db, adminA, before.latest[0]!.id);
    expect((await listUnreadReportsForUser(t.db, adminA, labA)).count).toBe(2);
    expect((await listUnreadReportsForUser(t.db, adminA, labB)).count).toBe(0);
  });

  it("counts only recent reports as new, and counts up to the cap", async () => {
    const reader = (
      await createUser(t.db, {
        email: "reader@a.test",
        name: "Reader",
        passwordHash: "x",
        role: "doctor",
        labIds: [labA],
      })
    ).id;
    const fresh = await listUnreadReportsForUser(t.db, reader, labA);
    expect(fresh.count).toBeGreaterThan(0);
    // Age every report of lab A past the window: none is new any more.
    await t.db.execute(
      sql`update interpretation_reports set received_at = now() - make_interval(days => ${UNREAD_WINDOW_DAYS + 1}) where lab_id = ${labA}`,
    );
    expect(await listUnreadReportsForUser(t.db, reader, labA)).toEqual({ count: 0, latest: [] });
    // Many recent unread reports (new versions for ACC-100): the count stops at the cap; the list keeps its limit.
    for (let i = 0; i < UNREAD_COUNT_CAP + 2; i++) await store(incoming({ sha256: `many-${i}` }), `msg_many_${i}`);
    const many = await listUnreadReportsForUser(t.db, reader, labA, 5);
    expect(many.count).toBe(UNREAD_COUNT_CAP);
    expect(many.latest).toHaveLength(5);
  });

  it("records a review only for a report of the user's labs", async () => {
    const [report] = await listReportsForLabResult(t.db, [labA], labResultId);
    expect(await markReportReviewed(t.db, adminA, [labB], report!.id)).toBeNull();
    expect((await getReviewedAt(t.db, adminA, [report!.id])).size).toBe(0);
    // The report's own lab, for its audit event (whatever lab the user is working in).
    expect(await markReportReviewed(t.db, adminA, [labB, labA], report!.id)).toBe(labA);
    expect((await getReviewedAt(t.db, adminA, [report!.id])).get(report!.id)).toBeInstanceOf(Date);
  });

  it("uses the only lab of a single-lab deployment when no partner lab id is given", async () => {
    // Two labs exist here, so a delivery without a partner lab id cannot be routed.
    const stored = await store(incoming({ partnerLabId: null, referenceId: "ACC-100" }), "msg_nolab");
    expect(stored.labId).toBeNull();
    expect(
      await t.db.$count(
        interpretationReports,
        sql`${interpretationReports.id} = ${stored.reportId} and match_state = 'unmatched'`,
      ),
    ).toBe(1);
  });

  it("keeps lab admins away from reports and deliveries of an unknown lab until the operator routes one to their lab", async () => {
    const stray = await store(incoming({ partnerLabId: "stray-lab", referenceId: "ACC-100" }), "msg_stray");
    // Neither admin can attach it, see its delivery, or open its PDF.
    expect(
      await attachUnmatchedReport(t.db, { id: adminA, labIds: [labA, labB] }, stray.reportId, labResultId),
    ).toEqual({ ok: false, reason: "not_found" });
    for (const labIds of [[labA], [labB], [labA, labB]]) {
      expect((await listDeliveriesForAdmin(t.db, labIds)).map((d) => d.reportId)).not.toContain(stray.reportId);
      expect(await getReportDocumentForUser(t.db, labIds, stray.reportId)).toBeUndefined();
    }
    expect((await listDeliveriesWithoutLab(t.db)).map((d) => d.reportId)).toContain(stray.reportId);

    expect(await routeReportToLab(t.db, stray.reportId, labA)).toBe(true);
    // Routed once only; now lab A's unmatched report, with lab A's patient of that id.
    expect(await routeReportToLab(t.db, stray.reportId, labB)).toBe(false);
    expect((await listUnmatchedReportsForAdmin(t.db, [labA])).map((r) => r.id)).toContain(stray.reportId);
    expect((await listUnmatchedReportsForAdmin(t.db, [labB])).map((r) => r.id)).not.toContain(stray.reportId);
    expect((await listLablessReportsForOperator(t.db)).map((r) => r.id)).not.toContain(stray.reportId);
    const [routed] = await t.db
      .select()
      .from(interpretationReports)
      .where(eq(interpretationReports.id, stray.reportId));
    const [document] = await t.db
      .select({ labId: documents.labId })
      .from(documents)
      .where(eq(documents.id, routed!.documentId));
    expect(document?.labId).toBe(labA);
  });

  it("attaches only when the delivered patient id is the lab result's patient's, or with a stated override", async () => {
    const other = await store(incoming({ patientId: "P-999", referenceId: "ACC-OTHER" }), "msg_other_patient");
    expect(other).toMatchObject({ matched: false, labId: labA });
    expect(await attachUnmatchedReport(t.db, { id: adminA, labIds: [labA] }, other.reportId, labResultId)).toEqual({
      ok: false,
      reason: "patient_mismatch",
      deliveredPatientId: "P-999",
      labResultPatientId: "P-100",
    });
    const [still] = await t.db.select().from(interpretationReports).where(eq(interpretationReports.id, other.reportId));
    expect(still?.matchState).toBe("unmatched");
    const attached = await attachUnmatchedReport(t.db, { id: adminA, labIds: [labA] }, other.reportId, labResultId, {
      reason: "Docus confirmed a typo in the patient id",
    });
    expect(attached).toMatchObject({ ok: true, labId: labA, patientMismatch: true });
  });

  it("gives concurrent reports for one lab result distinct versions, and the database refuses a repeated version", async () => {
    const { labResultId: fresh } = await createLabResultSubmission(
      t.db,
      {
        labId: labA,
        userId: adminA,
        patient: {
          kind: "new",
          patientId: "P-CONC",
          givenName: "Con",
          familyName: "Current",
          birthDate: "1970-01-01",
          sex: "other",
        },
        accessionNumber: "ACC-CONC",
        mode: "interpret",
        file: { bytes: pdf, sha256: "x", fileName: "conc.pdf" },
      },
      async () => {},
    );
    const stored = await Promise.all(
      Array.from({ length: 6 }, (_, i) => {
        const bytes = new TextEncoder().encode(`%PDF-1.4\n% copy ${i}\n%%EOF\n`);
        return store(
          incoming({
            patientId: "P-CONC",
            referenceId: "ACC-CONC",
            pdf: bytes,
            sha256: createHash("sha256").update(bytes).digest("hex"),
          }),
          `msg_conc_${i}`,
        );
      }),
    );
    expect(stored.every((r) => r.matched)).toBe(true);
    const versions = (await listReportsForLabResult(t.db, [labA], fresh)).map((r) => r.version).sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(
      t.db.execute(sql`update interpretation_reports set version = 1 where lab_result_id = ${fresh} and version = 2`),
    ).rejects.toThrow();
  });
});
