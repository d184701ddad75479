import "server-only";
import { and, eq, exists, gt, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import { interpretationReports, labResults, patients } from "@/db/schema";

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
  labIds: string[],
  reportId: string,
): Promise<ReportForViewer | undefined> {
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
