import "server-only";
import { and, eq, exists, gt, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { descNullsLast } from "./order";
import type { Db, Tx } from "@/db";
import { documents, interpretationReports, labResults, patients } from "@/db/schema";
import type { QueryScope } from "./scope";

/*
 * Browsing interpretation reports: a lab result's reports, one report for the viewer, a
 * report's PDF. Read and review marks are in report-read-marks.ts, delivery triage in
 * deliveries.ts, the delivery itself in system/deliveries.ts.
 */

export type ReportSummary = {
  id: string;
  labResultId: string | null;
  version: number;
  superseded: boolean;
  receivedAt: Date;
  fileName: string;
  sizeBytes: number;
};

/** The reports of one lab result (newest version first), limited to the user's labs. */
export async function listReportsForLabResult(
  db: Db,
  scope: QueryScope,
  labResultId: string,
): Promise<ReportSummary[]> {
  return (await listReportsForLabResults(db, scope, [labResultId])).get(labResultId) ?? [];
}

/** A report's PDF and what the audit needs, or undefined when it is not in the user's labs. */
export async function getReportDocumentForUser(db: Db, scope: QueryScope, reportId: string) {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select({
      reportId: interpretationReports.id,
      labId: interpretationReports.labId,
      patientId: interpretationReports.patientId,
      labResultId: interpretationReports.labResultId,
      documentId: documents.id,
      bytes: documents.bytes,
      fileName: documents.fileName,
    })
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(and(eq(interpretationReports.id, reportId), inArray(interpretationReports.labId, labIds)));
  return row;
}

/** The reports of several lab results at once (for a patient's timeline), limited to the user's labs. */
export async function listReportsForLabResults(
  db: Db,
  scope: QueryScope,
  labResultIds: string[],
): Promise<Map<string, ReportSummary[]>> {
  const { labIds } = scope;
  const byResult = new Map<string, ReportSummary[]>();
  if (labIds.length === 0 || labResultIds.length === 0) return byResult;
  const rows = await db
    .select({
      id: interpretationReports.id,
      labResultId: interpretationReports.labResultId,
      version: interpretationReports.version,
      receivedAt: interpretationReports.receivedAt,
      fileName: documents.fileName,
      sizeBytes: documents.sizeBytes,
    })
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(and(inArray(interpretationReports.labResultId, labResultIds), inArray(interpretationReports.labId, labIds)))
    .orderBy(descNullsLast(interpretationReports.version));
  for (const row of rows) {
    if (!row.labResultId) continue;
    const list = byResult.get(row.labResultId) ?? [];
    list.push({ ...row, superseded: list.length > 0 });
    byResult.set(row.labResultId, list);
  }
  return byResult;
}

/** What the inline report viewer needs about one interpretation report. */
export type ReportForViewer = {
  id: string;
  version: number;
  /** A newer version of the same lab result's report exists. */
  superseded: boolean;
  receivedAt: Date;
  /** Null for an unmatched report (no lab result to compare it with). */
  labResultId: string | null;
  /** The lab result's accession number, or the reference id Docus delivered with an unmatched report. */
  accessionNumber: string | null;
  /** The patient's record, or null when the report names a patient id the lab does not know. */
  patient: { id: string; patientId: string; givenName: string; familyName: string } | null;
  /** The patient id Docus delivered (shown when the patient is unknown). */
  deliveredPatientId: string;
  /** The original lab-result PDF can be shown beside the report. */
  hasOriginalDocument: boolean;
};

/** One interpretation report for the viewer, or undefined when it is not in the user's labs. */
export async function getReportForUser(
  db: Db,
  scope: QueryScope,
  reportId: string,
): Promise<ReportForViewer | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const newer = alias(interpretationReports, "newer_report");
  const [row] = await db
    .select({
      id: interpretationReports.id,
      version: interpretationReports.version,
      receivedAt: interpretationReports.receivedAt,
      referenceId: interpretationReports.referenceId,
      deliveredPatientId: interpretationReports.deliveredPatientId,
      labResultId: labResults.id,
      labResultDocumentId: labResults.documentId,
      accessionNumber: labResults.accessionNumber,
      patientRef: patients.id,
      patientExternalId: patients.patientId,
      patientGivenName: patients.givenName,
      patientFamilyName: patients.familyName,
      superseded: sql<boolean>`${exists(
        db
          .select({ one: sql`1` })
          .from(newer)
          .where(
            and(
              eq(newer.labResultId, interpretationReports.labResultId),
              gt(newer.version, interpretationReports.version),
            ),
          ),
      )}`,
    })
    .from(interpretationReports)
    // The lab result and the patient are joined within the user's labs too, so nothing of another lab leaks.
    .leftJoin(labResults, and(eq(labResults.id, interpretationReports.labResultId), inArray(labResults.labId, labIds)))
    .leftJoin(patients, and(eq(patients.id, interpretationReports.patientId), inArray(patients.labId, labIds)))
    .where(and(eq(interpretationReports.id, reportId), inArray(interpretationReports.labId, labIds)));
  if (!row) return undefined;
  return {
    id: row.id,
    version: row.version,
    superseded: Boolean(row.superseded),
    receivedAt: row.receivedAt,
    labResultId: row.labResultId,
    accessionNumber: row.accessionNumber ?? row.referenceId,
    patient:
      row.patientRef &&
      row.patientExternalId !== null &&
      row.patientGivenName !== null &&
      row.patientFamilyName !== null
        ? {
            id: row.patientRef,
            patientId: row.patientExternalId,
            givenName: row.patientGivenName,
            familyName: row.patientFamilyName,
          }
        : null,
    deliveredPatientId: row.deliveredPatientId,
    hasOriginalDocument: row.labResultDocumentId !== null,
  };
}

/** A lab result's newest report version (a new report supersedes it), if it has one. */
export async function latestReportVersion(
  tx: Tx,
  labResultId: string,
): Promise<{ id: string; version: number } | undefined> {
  const [previous] = await tx
    .select({ id: interpretationReports.id, version: interpretationReports.version })
    .from(interpretationReports)
    .where(eq(interpretationReports.labResultId, labResultId))
    .orderBy(descNullsLast(interpretationReports.version))
    .limit(1);
  return previous;
}
