import "server-only";
import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import type { QueryScope } from "./scope";
import { documents, interpretationReports, labResults, labs, patients, users } from "@/db/schema";
import type { ReportTextCheck } from "@/lib/domain";

/**
 * Queries of the wrong-patient guard: the lab's setting, other patients named by a PDF's
 * text, holding and releasing lab results, and the check of delivered reports.
 */

/** Whether the lab holds uploads whose text names neither patient nor accession (true for an unknown lab: the safe side). */
export async function isWrongPatientGuardOn(db: Db | Tx, labId: string): Promise<boolean> {
  const [row] = await db.select({ on: labs.wrongPatientGuard }).from(labs).where(eq(labs.id, labId)).limit(1);
  return row?.on ?? true;
}

/** What the wrong-patient guard looks for of one of the lab's patients: its id (as the lab knows it), family name and birth date. */
export async function getPatientForGuard(
  db: Db | Tx,
  labId: string,
  patientRef: string,
): Promise<{ patientId: string; familyName: string; birthDate: string | null } | null> {
  const [row] = await db
    .select({ patientId: patients.patientId, familyName: patients.familyName, birthDate: patients.birthDate })
    .from(patients)
    .where(and(eq(patients.id, patientRef), eq(patients.labId, labId)))
    .limit(1);
  return row ?? null;
}

/**
 * Patient ids of the lab's patients whose normalised id (lower case, no dashes) is one of
 * `normalisedTokens`, other than `exceptPatientId`. Uses patients_lab_patient_id_norm_idx.
 */
export async function findPatientIdsNamed(
  db: Db | Tx,
  labId: string,
  normalisedTokens: string[],
  exceptPatientId: string | null,
  limit = 5,
): Promise<string[]> {
  if (normalisedTokens.length === 0) return [];
  const rows = await db
    .select({ patientId: patients.patientId })
    .from(patients)
    .where(
      and(
        eq(patients.labId, labId),
        inArray(sql`lower(replace(${patients.patientId}, '-', ''))`, normalisedTokens),
        exceptPatientId === null ? undefined : ne(patients.patientId, exceptPatientId),
      ),
    )
    .orderBy(patients.patientId)
    .limit(limit);
  return rows.map((r) => r.patientId);
}

/**
 * Releases a held lab result for sending: `needs_confirmation` -> `queued`, recording who
 * confirmed it. Returns its lab, or null when it is not a held lab result of the user's labs.
 */
export async function confirmHeldLabResult(
  tx: Db | Tx,
  scope: QueryScope,
  id: string,
  userId: string,
): Promise<string | null> {
  const { labIds } = scope;
  if (labIds.length === 0) return null;
  const [row] = await tx
    .update(labResults)
    .set({
      status: "queued",
      nextAttemptAt: null,
      guardConfirmedById: userId,
      guardConfirmedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(and(eq(labResults.id, id), inArray(labResults.labId, labIds), eq(labResults.status, "needs_confirmation")))
    .returning({ labId: labResults.labId });
  return row?.labId ?? null;
}

/** Removes a held lab result: `needs_confirmation` -> `cancelled`, never sent. Returns its lab, or null. */
export async function removeHeldLabResult(tx: Db | Tx, scope: QueryScope, id: string): Promise<string | null> {
  const { labIds } = scope;
  if (labIds.length === 0) return null;
  const [row] = await tx
    .update(labResults)
    .set({ status: "cancelled", nextAttemptAt: null, updatedAt: new Date() })
    .where(and(eq(labResults.id, id), inArray(labResults.labId, labIds), eq(labResults.status, "needs_confirmation")))
    .returning({ labId: labResults.labId });
  return row?.labId ?? null;
}

export type LabResultGuardView = {
  outcome: "matched" | "needs_confirmation" | "not_checked" | "off" | null;
  reason: string | null;
  confirmedBy: string | null;
  confirmedAt: Date | null;
};

/** The guard's record on one lab result of the user's labs. */
export async function getLabResultGuard(
  db: Db,
  scope: QueryScope,
  id: string,
): Promise<LabResultGuardView | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select({
      outcome: labResults.guardOutcome,
      reason: labResults.guardReason,
      confirmedBy: users.name,
      confirmedAt: labResults.guardConfirmedAt,
    })
    .from(labResults)
    .leftJoin(users, eq(users.id, labResults.guardConfirmedById))
    .where(and(eq(labResults.id, id), inArray(labResults.labId, labIds)));
  return row;
}

/** What the check of a delivered report needs: its bytes, its lab and the patient id it is attached to. */
export async function getReportForTextCheck(db: Db, reportId: string) {
  const [row] = await db
    .select({
      labId: interpretationReports.labId,
      patientRef: interpretationReports.patientId,
      attachedPatientId: patients.patientId,
      deliveredPatientId: interpretationReports.deliveredPatientId,
      textCheck: interpretationReports.textCheck,
      bytes: documents.bytes,
    })
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .leftJoin(patients, eq(patients.id, interpretationReports.patientId))
    .where(eq(interpretationReports.id, reportId));
  return row;
}

export async function recordReportTextCheck(
  db: Db,
  reportId: string,
  check: { result: ReportTextCheck; otherPatientId: string | null; reason: string | null },
): Promise<void> {
  await db
    .update(interpretationReports)
    .set({ textCheck: check.result, textCheckOtherPatientId: check.otherPatientId, textCheckReason: check.reason })
    .where(eq(interpretationReports.id, reportId));
}

/** Reports whose text check has not run yet (oldest first), for a worker's start-up. */
export async function listReportsPendingTextCheck(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: interpretationReports.id })
    .from(interpretationReports)
    .where(isNull(interpretationReports.textCheck))
    .orderBy(interpretationReports.receivedAt)
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Reports of the user's labs whose text check has not run yet: shown as "text check
 * pending", never as checked, until the job has run.
 */
export async function listReportsPendingTextCheckFor(
  db: Db,
  scope: QueryScope,
  reportIds: string[],
): Promise<Set<string>> {
  const { labIds } = scope;
  if (labIds.length === 0 || reportIds.length === 0) return new Set();
  const rows = await db
    .select({ id: interpretationReports.id })
    .from(interpretationReports)
    .where(
      and(
        inArray(interpretationReports.id, reportIds),
        inArray(interpretationReports.labId, labIds),
        isNull(interpretationReports.textCheck),
      ),
    );
  return new Set(rows.map((r) => r.id));
}

export type FlaggedReport = { id: string; otherPatientId: string | null; reason: string | null };

/** Reports of the user's labs whose text names another patient, by id. */
export async function listFlaggedReports(
  db: Db,
  scope: QueryScope,
  reportIds: string[],
): Promise<Map<string, FlaggedReport>> {
  const out = new Map<string, FlaggedReport>();
  const { labIds } = scope;
  if (labIds.length === 0 || reportIds.length === 0) return out;
  const rows = await db
    .select({
      id: interpretationReports.id,
      otherPatientId: interpretationReports.textCheckOtherPatientId,
      reason: interpretationReports.textCheckReason,
    })
    .from(interpretationReports)
    .where(
      and(
        inArray(interpretationReports.id, reportIds),
        inArray(interpretationReports.labId, labIds),
        eq(interpretationReports.textCheck, "other_patient"),
      ),
    );
  for (const row of rows) out.set(row.id, row);
  return out;
}
