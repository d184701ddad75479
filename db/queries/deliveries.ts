import "server-only";
import { openInboxEntry } from "./system/inbox";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { descNullsLast } from "./order";
import type { Db, Tx } from "@/db";
import { deliveries, documents, interpretationReports, labResults, patients } from "@/db/schema";
import { latestReportVersion } from "./reports";
import type { QueryScope } from "./scope";

/*
 * Delivery triage for a lab's admins: the unmatched reports and the deliveries log of
 * their own labs, and attaching an unmatched report to a lab result. Storing a delivery
 * and the operator's routing of lab-less reports are in system/.
 */

export type UnmatchedReport = {
  id: string;
  receivedAt: Date;
  labId: string | null;
  partnerLabId: string | null;
  referenceId: string | null;
  deliveredPatientId: string;
  fileName: string;
};

export const unmatchedColumns = {
  id: interpretationReports.id,
  receivedAt: interpretationReports.receivedAt,
  labId: interpretationReports.labId,
  partnerLabId: interpretationReports.partnerLabId,
  referenceId: interpretationReports.referenceId,
  deliveredPatientId: interpretationReports.deliveredPatientId,
  fileName: documents.fileName,
};

/** Unmatched reports an admin may triage: those of the admin's own labs, never another lab's or a lab-less one. */
export async function listUnmatchedReportsForAdmin(db: Db, scope: QueryScope): Promise<UnmatchedReport[]> {
  const { labIds } = scope;
  if (labIds.length === 0) return [];
  return db
    .select(unmatchedColumns)
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(and(eq(interpretationReports.matchState, "unmatched"), inArray(interpretationReports.labId, labIds)))
    .orderBy(descNullsLast(interpretationReports.receivedAt))
    .limit(200);
}

export type AttachOutcome =
  | { ok: true; labId: string; patientId: string; patientMismatch: boolean }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "patient_mismatch"; deliveredPatientId: string; labResultPatientId: string };

/**
 * Attaches an unmatched report of one of the admin's labs to a lab result of the same lab
 * (as a new version of that lab result's reports). The delivered patient id must be the
 * lab result's patient's, unless `override` (a person's stated reason) says otherwise.
 */
export async function attachUnmatchedReport(
  db: Db,
  scope: QueryScope,
  reportId: string,
  labResultId: string,
  override: { reason: string } | null = null,
  /** Runs in the same transaction once the report is attached. */
  afterAttach?: (tx: Tx, reportId: string) => Promise<void>,
): Promise<AttachOutcome> {
  if (scope.labIds.length === 0) return { ok: false, reason: "not_found" };
  return db.transaction(async (tx) => {
    // Locking the lab result serialises new versions of its reports.
    const [target] = await tx
      .select({
        id: labResults.id,
        labId: labResults.labId,
        patientRef: labResults.patientId,
        patientExternalId: patients.patientId,
      })
      .from(labResults)
      .innerJoin(patients, eq(patients.id, labResults.patientId))
      .where(and(eq(labResults.id, labResultId), inArray(labResults.labId, scope.labIds)))
      .for("update", { of: labResults });
    if (!target) return { ok: false, reason: "not_found" };
    const report = await lockUnmatchedReport(tx, reportId, target.labId);
    if (!report) return { ok: false, reason: "not_found" };
    const patientMismatch = report.deliveredPatientId !== target.patientExternalId;
    if (patientMismatch && !override) {
      return {
        ok: false,
        reason: "patient_mismatch",
        deliveredPatientId: report.deliveredPatientId,
        labResultPatientId: target.patientExternalId,
      };
    }
    const previous = await latestReportVersion(tx, target.id);
    const version = (previous?.version ?? 0) + 1;
    await tx
      .update(interpretationReports)
      .set({
        patientId: target.patientRef,
        labResultId: target.id,
        matchState: "matched",
        version,
        supersedesId: previous?.id ?? null,
        attachedById: scope.userId,
        attachedAt: new Date(),
      })
      .where(eq(interpretationReports.id, report.id));
    await openInboxEntry(tx, { reportId: report.id, labId: target.labId, labResultId: target.id, version });
    await tx
      .update(labResults)
      .set({ status: "report_ready", updatedAt: new Date() })
      .where(eq(labResults.id, target.id));
    await afterAttach?.(tx, report.id);
    return { ok: true, labId: target.labId, patientId: target.patientRef, patientMismatch };
  });
}

export type DeliveryLogRow = typeof deliveries.$inferSelect;

/** The deliveries log for admins: attempts for their own labs only. */
export async function listDeliveriesForAdmin(db: Db, scope: QueryScope, limit = 200): Promise<DeliveryLogRow[]> {
  const { labIds } = scope;
  if (labIds.length === 0) return [];
  return db
    .select()
    .from(deliveries)
    .where(inArray(deliveries.labId, labIds))
    .orderBy(descNullsLast(deliveries.receivedAt))
    .limit(limit);
}

/**
 * An unmatched report held for this lab (with null: held for no lab), locked for the rest
 * of the transaction; undefined when there is none.
 */
export async function lockUnmatchedReport(tx: Tx, reportId: string, labId: string | null) {
  const [report] = await tx
    .select({
      id: interpretationReports.id,
      documentId: interpretationReports.documentId,
      deliveredPatientId: interpretationReports.deliveredPatientId,
    })
    .from(interpretationReports)
    .where(
      and(
        eq(interpretationReports.id, reportId),
        eq(interpretationReports.matchState, "unmatched"),
        labId === null ? isNull(interpretationReports.labId) : eq(interpretationReports.labId, labId),
      ),
    )
    .for("update");
  return report;
}
