import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documents, interpretationReports } from "@/db/schema";
import { incoming, seedTwoLabs, storeReport } from "@/db/testing/deliveries";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { attachUnmatchedReport, listDeliveriesForAdmin, listUnmatchedReportsForAdmin } from "./deliveries";
import { getReportDocumentForUser, listReportsForLabResult } from "./reports";
import type { IncomingReport } from "./system/deliveries";
import { listDeliveriesWithoutLab, listLablessReportsForOperator, routeReportToLab } from "./system/operator-triage";

let t: TestDb;
let labA: string;
let labB: string;
let adminA: string;
let labResultId: string;

const store = (report: IncomingReport, webhookId: string | null = null) => storeReport(t.db, report, webhookId);

beforeAll(async () => {
  t = await createTestDb();
  ({ labA, labB, adminA, labResultId } = await seedTwoLabs(t.db));
});

afterAll(async () => {
  await t?.close();
});

describe("delivery triage", () => {
  it("lets an admin attach an unmatched report to a lab result of their lab, as the newest version", async () => {
    const unmatched = await store(incoming({ referenceId: "ACC-LATE" }), "msg_late");
    expect(await attachUnmatchedReport(t.db, scopeFor(adminA, [labB]), unmatched.reportId, labResultId)).toEqual({
      ok: false,
      reason: "not_found",
    });
    const before = (await listReportsForLabResult(t.db, scopeFor(adminA, [labA]), labResultId))[0]?.version ?? 0;
    expect(await attachUnmatchedReport(t.db, scopeFor(adminA, [labA]), unmatched.reportId, labResultId)).toMatchObject({
      ok: true,
      labId: labA,
      patientMismatch: false,
    });
    const reports = await listReportsForLabResult(t.db, scopeFor(adminA, [labA]), labResultId);
    expect(reports[0]).toMatchObject({ id: unmatched.reportId, version: before + 1, superseded: false });
    expect(await attachUnmatchedReport(t.db, scopeFor(adminA, [labA]), unmatched.reportId, labResultId)).toEqual({
      ok: false,
      reason: "not_found",
    });
  });

  it("keeps lab admins away from reports and deliveries of an unknown lab until the operator routes one to their lab", async () => {
    const stray = await store(incoming({ partnerLabId: "stray-lab", referenceId: "ACC-100" }), "msg_stray");
    // Neither admin can attach it, see its delivery, or open its PDF.
    expect(await attachUnmatchedReport(t.db, scopeFor(adminA, [labA, labB]), stray.reportId, labResultId)).toEqual({
      ok: false,
      reason: "not_found",
    });
    for (const labIds of [[labA], [labB], [labA, labB]]) {
      expect((await listDeliveriesForAdmin(t.db, scopeFor(adminA, labIds))).map((d) => d.reportId)).not.toContain(
        stray.reportId,
      );
      expect(await getReportDocumentForUser(t.db, scopeFor(adminA, labIds), stray.reportId)).toBeUndefined();
    }
    expect((await listDeliveriesWithoutLab(t.db)).map((d) => d.reportId)).toContain(stray.reportId);

    expect(await routeReportToLab(t.db, stray.reportId, labA)).toBe(true);
    // Routed once only; now lab A's unmatched report, with lab A's patient of that id.
    expect(await routeReportToLab(t.db, stray.reportId, labB)).toBe(false);
    expect((await listUnmatchedReportsForAdmin(t.db, scopeFor(adminA, [labA]))).map((r) => r.id)).toContain(
      stray.reportId,
    );
    expect((await listUnmatchedReportsForAdmin(t.db, scopeFor(adminA, [labB]))).map((r) => r.id)).not.toContain(
      stray.reportId,
    );
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
    expect(await attachUnmatchedReport(t.db, scopeFor(adminA, [labA]), other.reportId, labResultId)).toEqual({
      ok: false,
      reason: "patient_mismatch",
      deliveredPatientId: "P-999",
      labResultPatientId: "P-100",
    });
    const [still] = await t.db.select().from(interpretationReports).where(eq(interpretationReports.id, other.reportId));
    expect(still?.matchState).toBe("unmatched");
    const attached = await attachUnmatchedReport(t.db, scopeFor(adminA, [labA]), other.reportId, labResultId, {
      reason: "Docus confirmed a typo in the patient id",
    });
    expect(attached).toMatchObject({ ok: true, labId: labA, patientMismatch: true });
  });
});
