import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { descNullsLast } from "../order";
import type { Db } from "@/db";
import { deliveries, documents, interpretationReports, labs, patients } from "@/db/schema";
import { lockUnmatchedReport, unmatchedColumns, type DeliveryLogRow, type UnmatchedReport } from "../deliveries";

/*
 * SYSTEM ONLY: the platform operator's triage of deliveries that no lab could be found
 * for. These queries read and route rows of no lab (and route them into any lab), so they
 * bypass lab scoping by design. Only operator-only pages and actions may call them, after
 * requireRole("operator"); never a view acting for a lab's user.
 */

/** Reports whose partner lab id named no lab we know: the platform operator's to route. */
export async function listLablessReportsForOperator(db: Db): Promise<UnmatchedReport[]> {
  return db
    .select(unmatchedColumns)
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(and(eq(interpretationReports.matchState, "unmatched"), isNull(interpretationReports.labId)))
    .orderBy(descNullsLast(interpretationReports.receivedAt))
    .limit(200);
}

/**
 * The operator hands a lab-less report to a lab: it becomes that lab's unmatched report
 * (with the lab's patient when the delivered patient id is known there), for the lab's
 * admins to attach. False when the report is not lab-less and unmatched, or no such lab.
 */
export async function routeReportToLab(db: Db, reportId: string, labId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [lab] = await tx.select({ id: labs.id }).from(labs).where(eq(labs.id, labId));
    if (!lab) return false;
    const report = await lockUnmatchedReport(tx, reportId, null);
    if (!report) return false;
    const [knownPatient] = await tx
      .select({ id: patients.id })
      .from(patients)
      .where(and(eq(patients.labId, labId), eq(patients.patientId, report.deliveredPatientId)))
      .limit(1);
    await tx
      .update(interpretationReports)
      .set({ labId, patientId: knownPatient?.id ?? null })
      .where(eq(interpretationReports.id, reportId));
    await tx.update(documents).set({ labId }).where(eq(documents.id, report.documentId));
    return true;
  });
}

/** The deliveries log for the platform operator: attempts tied to no lab (refused, or of an unknown partner lab). */
export async function listDeliveriesWithoutLab(db: Db, limit = 200): Promise<DeliveryLogRow[]> {
  return db
    .select()
    .from(deliveries)
    .where(isNull(deliveries.labId))
    .orderBy(descNullsLast(deliveries.receivedAt))
    .limit(limit);
}
