import "server-only";
import type { LabResultFlag } from "@/lib/domain";
import { and, count, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { descNullsLast, type OrderBy } from "./order";
import type { Db } from "@/db";
import {
  documents,
  labResults,
  patients,
  sendPendingStatuses,
  submissionAttempts,
  users,
  type LabResultStatus,
} from "@/db/schema";
import { currentLabOf, type QueryScope } from "./scope";

export type LabResultRow = {
  id: string;
  accessionNumber: string;
  mode: "interpret" | "store_only";
  status: LabResultStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  fileName: string;
  patientGivenName: string;
  patientFamilyName: string;
  patientExternalId: string;
};

/** The columns of a LabResultRow (lab_results joined with its patient and document). */
const labResultRowColumns = {
  id: labResults.id,
  accessionNumber: labResults.accessionNumber,
  mode: labResults.mode,
  status: labResults.status,
  attempts: labResults.attempts,
  lastError: labResults.lastError,
  nextAttemptAt: labResults.nextAttemptAt,
  createdAt: labResults.createdAt,
  fileName: documents.fileName,
  patientGivenName: patients.givenName,
  patientFamilyName: patients.familyName,
  patientExternalId: patients.patientId,
};

/** Sent for interpretation and no report yet: what the dashboard, the watchdog and the patient page call "waiting". */
const waitingForReport = and(
  eq(labResults.mode, "interpret"),
  inArray(labResults.status, [...sendPendingStatuses, "accepted"]),
);

/** Docus refused it, or the portal gave up: a technician should look. */
export const rejectedOrFailed = inArray(labResults.status, ["rejected", "failed"]);

export type LabResultFilters = { status?: LabResultStatus; from?: Date; to?: Date; limit?: number };

/** The current lab's submissions, newest first, optionally by status and by a date range [from, to). */
export async function listLabResultsForLab(
  db: Db,
  scope: QueryScope,
  filters: LabResultFilters = {},
): Promise<LabResultRow[]> {
  const labId = currentLabOf(scope);
  if (!labId) return [];
  return db
    .select(labResultRowColumns)
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .where(
      and(
        eq(labResults.labId, labId),
        filters.status ? eq(labResults.status, filters.status) : undefined,
        filters.from ? gte(labResults.createdAt, filters.from) : undefined,
        filters.to ? lt(labResults.createdAt, filters.to) : undefined,
      ),
    )
    .orderBy(descNullsLast(labResults.createdAt))
    .limit(filters.limit ?? 200);
}

export type LabResultDetail = LabResultRow & {
  notes: string | null;
  /** The lab's own flag; null: not flagged. */
  flag: LabResultFlag | null;
  docusMessage: string | null;
  acceptedAt: Date | null;
  patientRef: string;
  documentId: string;
  sizeBytes: number;
  sha256: string;
  submittedBy: string | null;
  attemptHistory: Array<{
    attempt: number;
    startedAt: Date;
    finishedAt: Date | null;
    outcome: string | null;
    httpStatus: number | null;
    message: string | null;
  }>;
};

/** One lab result with its attempt history, or undefined when it is not in the user's labs. */
export async function getLabResultForUser(db: Db, scope: QueryScope, id: string): Promise<LabResultDetail | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select({
      ...labResultRowColumns,
      notes: labResults.notes,
      flag: labResults.flag,
      docusMessage: labResults.docusMessage,
      acceptedAt: labResults.acceptedAt,
      documentId: documents.id,
      sizeBytes: documents.sizeBytes,
      sha256: documents.sha256,
      patientRef: patients.id,
      submittedBy: users.name,
    })
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .leftJoin(users, eq(users.id, labResults.submittedById))
    .where(and(eq(labResults.id, id), inArray(labResults.labId, labIds)));
  if (!row) return undefined;
  const attemptHistory = await db
    .select({
      attempt: submissionAttempts.attempt,
      startedAt: submissionAttempts.startedAt,
      finishedAt: submissionAttempts.finishedAt,
      outcome: submissionAttempts.outcome,
      httpStatus: submissionAttempts.httpStatus,
      message: submissionAttempts.message,
    })
    .from(submissionAttempts)
    .where(eq(submissionAttempts.labResultId, id))
    .orderBy(submissionAttempts.startedAt);
  return { ...row, attemptHistory };
}

/** A lab result's original PDF, or undefined when it is not in the user's labs. */
export async function getLabResultDocumentForUser(
  db: Db,
  scope: QueryScope,
  id: string,
): Promise<{ labId: string; patientId: string; documentId: string; bytes: Uint8Array; fileName: string } | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select({
      labId: labResults.labId,
      patientId: labResults.patientId,
      documentId: documents.id,
      bytes: documents.bytes,
      fileName: documents.fileName,
    })
    .from(labResults)
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .where(and(eq(labResults.id, id), inArray(labResults.labId, labIds)));
  return row;
}

export type LabActivityCounts = { today: number; thisWeek: number; waitingForReport: number; rejected: number };

/** Dashboard figures for the current lab. `now` is a parameter so the boundaries are testable. */
export async function countLabActivity(db: Db, scope: QueryScope, now = new Date()): Promise<LabActivityCounts> {
  const labId = currentLabOf(scope);
  if (!labId) return { today: 0, thisWeek: 0, waitingForReport: 0, rejected: 0 };
  const startOfDay = new Date(now);
  startOfDay.setHours(0, 0, 0, 0);
  const startOfWeek = new Date(startOfDay);
  // Weeks start on Monday.
  startOfWeek.setDate(startOfWeek.getDate() - ((startOfWeek.getDay() + 6) % 7));
  const inLab = eq(labResults.labId, labId);
  const [[today], [week], [waiting], [rejected]] = await Promise.all([
    db
      .select({ n: count() })
      .from(labResults)
      .where(and(inLab, gte(labResults.createdAt, startOfDay))),
    db
      .select({ n: count() })
      .from(labResults)
      .where(and(inLab, gte(labResults.createdAt, startOfWeek))),
    db.select({ n: count() }).from(labResults).where(and(inLab, waitingForReport)),
    db.select({ n: count() }).from(labResults).where(and(inLab, rejectedOrFailed)),
  ]);
  return {
    today: today?.n ?? 0,
    thisWeek: week?.n ?? 0,
    waitingForReport: waiting?.n ?? 0,
    rejected: rejected?.n ?? 0,
  };
}

export type PatientTimelineFilter = "all" | "with_report" | "waiting" | "rejected";

/** A patient's lab results, newest first, limited to the user's labs. */
export async function listLabResultsForPatient(
  db: Db,
  scope: QueryScope,
  patientRef: string,
  { show = "all", from, to }: { show?: PatientTimelineFilter; from?: Date; to?: Date } = {},
) {
  const { labIds } = scope;
  if (labIds.length === 0) return [];
  const byShow = {
    all: undefined,
    with_report: eq(labResults.status, "report_ready"),
    waiting: waitingForReport,
    rejected: rejectedOrFailed,
  }[show];
  return db
    .select({
      id: labResults.id,
      accessionNumber: labResults.accessionNumber,
      mode: labResults.mode,
      status: labResults.status,
      lastError: labResults.lastError,
      createdAt: labResults.createdAt,
      fileName: documents.fileName,
    })
    .from(labResults)
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .where(
      and(
        eq(labResults.patientId, patientRef),
        inArray(labResults.labId, labIds),
        byShow,
        from ? gte(labResults.createdAt, from) : undefined,
        to ? lt(labResults.createdAt, to) : undefined,
      ),
    )
    .orderBy(descNullsLast(labResults.createdAt))
    .limit(500);
}

export type AttentionRow = {
  id: string;
  accessionNumber: string;
  status: LabResultStatus;
  createdAt: Date;
  lastError: string | null;
  patientName: string;
};

const attentionColumns = {
  id: labResults.id,
  accessionNumber: labResults.accessionNumber,
  status: labResults.status,
  createdAt: labResults.createdAt,
  lastError: labResults.lastError,
  patientName: sql<string>`${patients.familyName} || ', ' || ${patients.givenName}`,
};

/** The current lab's lab results matching `where`, as attention rows, in `order`; empty without a current lab. */
async function selectAttentionRows(
  db: Db,
  scope: QueryScope,
  where: SQL | undefined,
  order: OrderBy,
  limit: number,
): Promise<AttentionRow[]> {
  const labId = currentLabOf(scope);
  if (!labId) return [];
  return db
    .select(attentionColumns)
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .where(and(eq(labResults.labId, labId), where))
    .orderBy(order)
    .limit(limit);
}

/** Interpreted lab results still without a report after the lab's turnaround time (the watchdog). */
export function listOverdueLabResults(
  db: Db,
  scope: QueryScope,
  turnaroundHours: number,
  now = new Date(),
  limit = 10,
): Promise<AttentionRow[]> {
  const overdue = lt(labResults.createdAt, new Date(now.getTime() - turnaroundHours * 3_600_000));
  return selectAttentionRows(db, scope, and(waitingForReport, overdue), labResults.createdAt, limit);
}

/** Rejected or failed submissions that a technician should look at, newest first. */
export function listRejectedLabResults(db: Db, scope: QueryScope, limit = 10): Promise<AttentionRow[]> {
  return selectAttentionRows(db, scope, rejectedOrFailed, descNullsLast(labResults.updatedAt), limit);
}

/**
 * Uploads the wrong-patient guard holds: stored but not sent to Docus until a person
 * confirms or removes them, oldest first (the longest waiting at the top).
 */
export async function listHeldLabResults(
  db: Db,
  scope: QueryScope,
  limit = 10,
): Promise<Array<AttentionRow & { guardReason: string | null }>> {
  const labId = currentLabOf(scope);
  if (!labId) return [];
  return db
    .select({ ...attentionColumns, guardReason: labResults.guardReason })
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .where(and(eq(labResults.labId, labId), eq(labResults.status, "needs_confirmation")))
    .orderBy(labResults.createdAt)
    .limit(limit);
}
