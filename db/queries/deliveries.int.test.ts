import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { documents, interpretationReports } from "@/db/schema";
import { incoming, twoLabsSuite } from "@/db/testing/deliveries";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb } from "@/lib/testing/test-db";
import { attachUnmatchedReport, listDeliveriesForAdmin, listUnmatchedReportsForAdmin } from "./deliveries";
import { getReportDocumentForUser, listReportsForLabResult } from "./reports";
import { listDeliveriesWithoutLab, listLablessReportsForOperator, routeReportToLab } from "./system/operator-triage";

const ctx = twoLabsSuite(createTestDb);

describe("delivery triage", () => {
  it("lets an admin attach an unmatched report to a lab result of their lab, as the newest version", async () => {
    const unmatched = await ctx.store(incoming({ referenceId: "ACC-LATE" }), "msg_late");
    expect(
      await attachUnmatchedReport(ctx.db, scopeFor(ctx.adminA, [ctx.labB]), unmatched.reportId, ctx.labResultId),
    ).toEqual({
      ok: false,
      reason: "not_found",
    });
    const before =
      (await listReportsForLabResult(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), ctx.labResultId))[0]?.version ?? 0;
    expect(
      await attachUnmatchedReport(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), unmatched.reportId, ctx.labResultId),
    ).toMatchObject({
      ok: true,
      labId: ctx.labA,
      patientMismatch: false,
    });
    const reports = await listReportsForLabResult(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), ctx.labResultId);
    expect(reports[0]).toMatchObject({ id: unmatched.reportId, version: before + 1, superseded: false });
    expect(
      await attachUnmatchedReport(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), unmatched.reportId, ctx.labResultId),
    ).toEqual({
      ok: false,
      reason: "not_found",
    });
  });

  it("keeps lab admins away from reports and deliveries of an unknown lab until the operator routes one to their lab", async () => {
    const stray = await ctx.store(incoming({ partnerLabId: "stray-lab", referenceId: "ACC-100" }), "msg_stray");
    // Neither admin can attach it, see its delivery, or open its PDF.
    expect(
      await attachUnmatchedReport(ctx.db, scopeFor(ctx.adminA, [ctx.labA, ctx.labB]), stray.reportId, ctx.labResultId),
    ).toEqual({
      ok: false,
      reason: "not_found",
    });
    for (const labIds of [[ctx.labA], [ctx.labB], [ctx.labA, ctx.labB]]) {
      expect((await listDeliveriesForAdmin(ctx.db, scopeFor(ctx.adminA, labIds))).map((d) => d.reportId)).not.toContain(
        stray.reportId,
      );
      expect(await getReportDocumentForUser(ctx.db, scopeFor(ctx.adminA, labIds), stray.reportId)).toBeUndefined();
    }
    expect((await listDeliveriesWithoutLab(ctx.db)).map((d) => d.reportId)).toContain(stray.reportId);

    expect(await routeReportToLab(ctx.db, stray.reportId, ctx.labA)).toBe(true);
    // Routed once only; now lab A's unmatched report, with lab A's patient of that id.
    expect(await routeReportToLab(ctx.db, stray.reportId, ctx.labB)).toBe(false);
    expect((await listUnmatchedReportsForAdmin(ctx.db, scopeFor(ctx.adminA, [ctx.labA]))).map((r) => r.id)).toContain(
      stray.reportId,
    );
    expect(
      (await listUnmatchedReportsForAdmin(ctx.db, scopeFor(ctx.adminA, [ctx.labB]))).map((r) => r.id),
    ).not.toContain(stray.reportId);
    expect((await listLablessReportsForOperator(ctx.db)).map((r) => r.id)).not.toContain(stray.reportId);
    const [routed] = await ctx.db
      .select()
      .from(interpretationReports)
      .where(eq(interpretationReports.id, stray.reportId));
    const [document] = await ctx.db
      .select({ labId: documents.labId })
      .from(documents)
      .where(eq(documents.id, routed!.documentId));
    expect(document?.labId).toBe(ctx.labA);
  });

  it("attaches only when the delivered patient id is the lab result's patient's, or with a stated override", async () => {
    const other = await ctx.store(incoming({ patientId: "P-999", referenceId: "ACC-OTHER" }), "msg_other_patient");
    expect(other).toMatchObject({ matched: false, labId: ctx.labA });
    expect(
      await attachUnmatchedReport(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), other.reportId, ctx.labResultId),
    ).toEqual({
      ok: false,
      reason: "patient_mismatch",
      deliveredPatientId: "P-999",
      labResultPatientId: "P-100",
    });
    const [still] = await ctx.db
      .select()
      .from(interpretationReports)
      .where(eq(interpretationReports.id, other.reportId));
    expect(still?.matchState).toBe("unmatched");
    const attached = await attachUnmatchedReport(
      ctx.db,
      scopeFor(ctx.adminA, [ctx.labA]),
      other.reportId,
      ctx.labResultId,
      {
        reason: "Docus confirmed a typo in the patient id",
      },
    );
    expect(attached).toMatchObject({ ok: true, labId: ctx.labA, patientMismatch: true });
  });
});
