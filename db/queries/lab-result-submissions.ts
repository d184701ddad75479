import "server-only";
import type { LabResultFlag } from "@/lib/domain";
import { and, eq, inArray, ne, or, sql } from "drizzle-orm";
import { descNullsLast } from "./order";
import type { Db, Tx } from "@/db";
import { documents, labResults, patients, sendPendingStatuses, type LabResultStatus } from "@/db/schema";
import { byteaFromBase64 } from "@/db/schema/types";
import { rejectedOrFailed } from "./lab-results";
import { sameDemographics, type Demographics } from "./patient-resolution";
import { currentLabOf, type QueryScope } from "./scope";
import { patientIdentityColumns } from "./patient-columns";

/*
 * A lab result's submission as the lab's users drive it: storing an upload, the
 * duplicate check before it, the send's progress as the browser polls it, and a
 * person's retry or cancel. The send itself (claim, attempts, leases) is the job
 * worker's: see system/lab-result-sends.ts.
 */

export type SubmissionInput = {
  labId: string;
  userId: string;
  patient:
    | { kind: "existing"; id: string }
    | {
        kind: "new";
        patientId: string;
        givenName: string;
        familyName: string;
        birthDate: string;
        sex: "female" | "male" | "other" | "unknown";
      };
  accessionNumber: string;
  mode: "interpret" | "store_only";
  notes?: string;
  /** Optional addresses for Docus's patient- and doctor-facing reports; sent only when filled in. */
  patientEmail?: string;
  physicianEmail?: string;
  /** The lab's own flag (normal, abnormal, critical); absent: not flagged. */
  flag?: LabResultFlag;
  file: { bytes: Uint8Array; sha256: string; fileName: string };
};

export type PatientVersion = Demographics & { id: string; patientId: string };

/** A "new" patient whose id exists in the lab with other demographics: nothing was stored. */
export class PatientConflictError extends Error {
  constructor(
    public readonly existing: PatientVersion,
    public readonly requested: Omit<PatientVersion, "id">,
  ) {
    super(`A patient with id ${existing.patientId} already exists in this lab with other details.`);
    this.name = "PatientConflictError";
  }
}
export class PatientNotFoundError extends Error {}

/** The wrong-patient guard's verdict, recorded on the lab result; `needs_confirmation` holds it. */
export type SubmissionGuard = {
  outcome: "matched" | "needs_confirmation" | "not_checked" | "off";
  reason: string | null;
};

/**
 * Stores one upload in ONE transaction: the patient (created when new), the document,
 * the lab result (`queued`, or `needs_confirmation` when the guard holds it), and whatever
 * `inTransaction` adds (the job that sends it). Either all of it is committed or none.
 */
export async function createLabResultSubmission(
  db: Db,
  input: SubmissionInput,
  inTransaction: (tx: Tx, labResultId: string) => Promise<void>,
  guard: SubmissionGuard | null = null,
): Promise<{ labResultId: string; patientId: string }> {
  return db.transaction(async (tx) => {
    let patientId: string;
    if (input.patient.kind === "existing") {
      const [found] = await tx
        .select({ id: patients.id })
        .from(patients)
        .where(and(eq(patients.id, input.patient.id), eq(patients.labId, input.labId)))
        .limit(1);
      if (!found) throw new PatientNotFoundError("That patient was not found in this lab.");
      patientId = found.id;
    } else {
      patientId = await resolveNewPatient(tx, input.labId, input.patient);
    }
    const [doc] = await tx
      .insert(documents)
      .values({
        labId: input.labId,
        // Its Base64 is made here, after the wrong-patient guard has read the file, not
        // before it: the string is not held while the guard's worker holds its own copy.
        bytes: byteaFromBase64(input.file.bytes),
        sha256: input.file.sha256,
        sizeBytes: input.file.bytes.byteLength,
        mimeType: "application/pdf",
        fileName: input.file.fileName,
      })
      .returning({ id: documents.id });
    const [row] = await tx
      .insert(labResults)
      .values({
        labId: input.labId,
        patientId,
        documentId: doc!.id,
        accessionNumber: input.accessionNumber,
        mode: input.mode,
        notes: input.notes ?? null,
        patientEmail: input.patientEmail ?? null,
        physicianEmail: input.physicianEmail ?? null,
        flag: input.flag ?? null,
        submittedById: input.userId,
        status: guard?.outcome === "needs_confirmation" ? "needs_confirmation" : "queued",
        guardOutcome: guard?.outcome ?? null,
        guardReason: guard?.reason ?? null,
      })
      .returning({ id: labResults.id });
    await tx.update(patients).set({ lastActivityAt: new Date() }).where(eq(patients.id, patientId));
    await inTransaction(tx, row!.id);
    return { labResultId: row!.id, patientId };
  });
}

/**
 * The patient a "new" patient of an upload is: created when its id is new to the lab, the
 * existing row when the id exists with the same demographics (the second file of a batch),
 * or a PatientConflictError when they differ. Concurrent uploads of the same new patient
 * create one row: the unique (lab, patient id) index makes the second insert wait for the
 * first's commit and then do nothing, and the select that follows (a new snapshot under
 * READ COMMITTED) sees the committed row.
 */
export async function resolveNewPatient(
  tx: Tx,
  labId: string,
  requested: Extract<SubmissionInput["patient"], { kind: "new" }>,
): Promise<string> {
  const { kind: _kind, ...fields } = requested;
  const [created] = await tx
    .insert(patients)
    .values({ labId, ...fields })
    .onConflictDoNothing({ target: [patients.labId, patients.patientId] })
    .returning({ id: patients.id });
  if (created) return created.id;
  const [existing] = await tx
    .select(patientIdentityColumns)
    .from(patients)
    .where(and(eq(patients.labId, labId), eq(patients.patientId, fields.patientId)))
    .limit(1);
  if (!existing) throw new Error("The patient row vanished between its insert and its read.");
  if (!sameDemographics(existing, fields)) throw new PatientConflictError(existing, fields);
  return existing.id;
}

/** An earlier upload of the same file (same SHA-256) for the current lab and accession, if any. */
/**
 * The latest upload (not cancelled) of the lab for `accessionNumber` with the same content
 * or the same file name (letter case aside): the one duplicate rule of every upload path
 * (lib/uploads/upload.ts says why).
 */
export async function findDuplicateSubmission(
  db: Db,
  scope: QueryScope,
  accessionNumber: string,
  file: { sha256: string; fileName: string },
): Promise<{ id: string; status: LabResultStatus; createdAt: Date; sha256: string } | undefined> {
  const labId = currentLabOf(scope);
  if (!labId) return undefined;
  const [row] = await db
    .select({
      id: labResults.id,
      status: labResults.status,
      createdAt: labResults.createdAt,
      sha256: documents.sha256,
    })
    .from(labResults)
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .where(
      and(
        eq(labResults.labId, labId),
        eq(labResults.accessionNumber, accessionNumber),
        or(eq(documents.sha256, file.sha256), sql`lower(${documents.fileName}) = ${file.fileName.toLowerCase()}`),
        ne(labResults.status, "cancelled"),
      ),
    )
    .orderBy(descNullsLast(labResults.createdAt))
    .limit(1);
  return row;
}

export type LabResultState = {
  id: string;
  status: LabResultStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  /** For a queued or retrying one: when it is expected to go, given the queue ahead of it and the rate limit. */
  expectedAt: Date | null;
};

/**
 * Current states of the given lab results, limited to the user's labs. A `sending` row
 * whose lease has ended shows as `queued` (its send died; it is due again), so that no row
 * shows "sending" for longer than the lease. `expectedAt`: the later of its own due time
 * and now plus one `spacingMs` per lab result due before it (of any lab: Docus's limit is
 * the portal's, not a lab's); only the estimate leaves this query, never the others' rows.
 */
export async function getLabResultStatesForUser(
  db: Db,
  scope: QueryScope,
  ids: string[],
  spacingMs = 0,
): Promise<LabResultState[]> {
  const { labIds } = scope;
  if (labIds.length === 0 || ids.length === 0) return [];
  const due = sql`coalesce(${labResults.nextAttemptAt}, ${labResults.createdAt})`;
  const rows = await db
    .select({
      id: labResults.id,
      status: sql<LabResultStatus>`case when ${labResults.status} = 'sending' and ${labResults.sendingUntil} < now() then 'queued' else ${labResults.status}::text end`,
      attempts: labResults.attempts,
      nextAttemptAt: labResults.nextAttemptAt,
      lastError: labResults.lastError,
      expectedAt: sql<string | null>`case when ${labResults.status} in ('queued', 'retrying') then
        greatest(coalesce(${labResults.nextAttemptAt}, now()), now())
        + make_interval(secs => ${spacingMs / 1000}::float8 * (select count(*) from lab_results ahead
            where ahead.status in ('queued', 'retrying') and coalesce(ahead.next_attempt_at, ahead.created_at) < ${due}))
      end`,
    })
    .from(labResults)
    .where(and(inArray(labResults.id, ids), inArray(labResults.labId, labIds)));
  return rows.map((row) => ({ ...row, expectedAt: row.expectedAt === null ? null : new Date(row.expectedAt) }));
}

/** A technician's retry of a rejected or failed submission: back to `queued`. */
export async function requeueLabResult(tx: Db | Tx, scope: QueryScope, id: string): Promise<string | null> {
  const { labIds } = scope;
  const [row] = await tx
    .update(labResults)
    .set({ status: "queued", attempts: 0, nextAttemptAt: null, sendingUntil: null, updatedAt: new Date() })
    .where(and(eq(labResults.id, id), inArray(labResults.labId, labIds), rejectedOrFailed))
    .returning({ labId: labResults.labId });
  return row?.labId ?? null;
}

/**
 * Cancels a submission that Docus has not accepted: held by the wrong-patient guard, queued, waiting for its next attempt,
 * or being sent (a request in flight may still reach Docus; its answer is then not
 * recorded, since only a `sending` row takes one). Returns its lab, or null when nothing
 * was cancelled.
 */
export async function cancelLabResult(db: Db, scope: QueryScope, id: string): Promise<string | null> {
  const { labIds } = scope;
  const [row] = await db
    .update(labResults)
    .set({ status: "cancelled", nextAttemptAt: null, sendingUntil: null, updatedAt: new Date() })
    .where(
      and(
        eq(labResults.id, id),
        inArray(labResults.labId, labIds),
        inArray(labResults.status, [...sendPendingStatuses, "needs_confirmation"]),
      ),
    )
    .returning({ labId: labResults.labId });
  return row?.labId ?? null;
}

/** Which of `accessionNumbers` the current lab already has a lab result for (the demo data's "already seeded"). */
export async function listAccessionNumbersInLab(
  db: Db,
  scope: QueryScope,
  accessionNumbers: string[],
): Promise<string[]> {
  const labId = currentLabOf(scope);
  if (!labId || accessionNumbers.length === 0) return [];
  const rows = await db
    .selectDistinct({ accessionNumber: labResults.accessionNumber })
    .from(labResults)
    .where(and(eq(labResults.labId, labId), inArray(labResults.accessionNumber, accessionNumbers)));
  return rows.map((r) => r.accessionNumber);
}

/**
 * Dates a lab result of the current lab as uploaded at `createdAt` (the demo data's
 * history: an upload of three days ago). Only a lab result that no send has touched yet.
 */
export async function backdateLabResult(db: Db, scope: QueryScope, id: string, createdAt: Date): Promise<boolean> {
  const labId = currentLabOf(scope);
  if (!labId) return false;
  const rows = await db
    .update(labResults)
    .set({ createdAt, updatedAt: createdAt })
    .where(and(eq(labResults.id, id), eq(labResults.labId, labId), eq(labResults.attempts, 0)))
    .returning({ id: labResults.id });
  return rows.length > 0;
}
