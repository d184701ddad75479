import "server-only";
import { and, count, eq, gte, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import { descNullsLast } from "./order";
import type { Db, Tx } from "@/db";
import { documents, labResults, labs, patients, submissionAttempts, users, type LabResultStatus } from "@/db/schema";
import { sameDemographics, type Demographics, type LabScope } from "./patients";

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
  inArray(labResults.status, ["queued", "sending", "retrying", "accepted"]),
);

/** Docus refused it, or the portal gave up: a technician should look. */
const rejectedOrFailed = inArray(labResults.status, ["rejected", "failed"]);

export type LabResultFilters = { status?: LabResultStatus; from?: Date; to?: Date; limit?: number };

/** The lab's submissions, newest first, optionally by status and by a date range [from, to). */
export async function listLabResultsForLab(
  db: Db,
  scope: LabScope,
  filters: LabResultFilters = {},
): Promise<LabResultRow[]> {
  return db
    .select(labResultRowColumns)
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .where(
      and(
        eq(labResults.labId, scope.labId),
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
export async function getLabResultForUser(db: Db, labIds: string[], id: string): Promise<LabResultDetail | undefined> {
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select({
      ...labResultRowColumns,
      notes: labResults.notes,
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
  labIds: string[],
  id: string,
): Promise<{ labId: string; patientId: string; documentId: string; bytes: Uint8Array; fileName: string } | undefined> {
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

/** Dashboard figures for one lab. `now` is a parameter so the boundaries are testable. */
export async function countLabActivity(db: Db, scope: LabScope, now = new Date()): Promise<LabActivityCounts> {
  const startOfDay = new Date(now);
  startOfDay.setHours(0, 0, 0, 0);
  const startOfWeek = new Date(startOfDay);
  // Weeks start on Monday.
  startOfWeek.setDate(startOfWeek.getDate() - ((startOfWeek.getDay() + 6) % 7));
  const inLab = eq(labResults.labId, scope.labId);
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

// ---------------------------------------------------------------------------------
// Submission: storing an upload, claiming it for a send, recording the outcome.

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
  /** `base64`: the bytes in Base64 when the caller has it already (it is sent to Docus so). */
  file: { bytes: Uint8Array; sha256: string; fileName: string; base64?: string };
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

/**
 * Stores one upload in ONE transaction: the patient (created when new), the document,
 * the lab result (`queued`), and whatever `inTransaction` adds (the job that sends it).
 * Either all of it is committed or none.
 */
export async function createLabResultSubmission(
  db: Db,
  input: SubmissionInput,
  inTransaction: (tx: Tx, labResultId: string) => Promise<void>,
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
        // PostgreSQL decodes the Base64 the upload needs anyway for Docus: a third less to
        // send than postgres.js's hex for bytea, and no 2x-sized hex string in memory.
        bytes: input.file.base64 === undefined ? input.file.bytes : sql`decode(${input.file.base64}, 'base64')`,
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
        submittedById: input.userId,
        status: "queued",
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
    .select({
      id: patients.id,
      patientId: patients.patientId,
      givenName: patients.givenName,
      familyName: patients.familyName,
      birthDate: patients.birthDate,
      sex: patients.sex,
    })
    .from(patients)
    .where(and(eq(patients.labId, labId), eq(patients.patientId, fields.patientId)))
    .limit(1);
  if (!existing) throw new Error("The patient row vanished between its insert and its read.");
  if (!sameDemographics(existing, fields)) throw new PatientConflictError(existing, fields);
  return existing.id;
}

/** An earlier upload of the same file (same SHA-256) for the same lab and accession, if any. */
export async function findDuplicateSubmission(
  db: Db,
  scope: LabScope,
  accessionNumber: string,
  sha256: string,
): Promise<{ id: string; status: LabResultStatus; createdAt: Date } | undefined> {
  const [row] = await db
    .select({ id: labResults.id, status: labResults.status, createdAt: labResults.createdAt })
    .from(labResults)
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .where(
      and(
        eq(labResults.labId, scope.labId),
        eq(labResults.accessionNumber, accessionNumber),
        eq(documents.sha256, sha256),
        ne(labResults.status, "cancelled"),
      ),
    )
    .orderBy(descNullsLast(labResults.createdAt))
    .limit(1);
  return row;
}

export type ClaimedSubmission = {
  id: string;
  attempts: number;
  mode: "interpret" | "store_only";
  accessionNumber: string;
  notes: string | null;
  patientEmail: string | null;
  physicianEmail: string | null;
  patientExternalId: string;
  partnerLabId: string | null;
  document: HeldDocument;
};

/** A document's bytes in memory, with their Base64 when it has been worked out already. */
export type HeldDocument = { bytes: Uint8Array; fileName: string; base64?: string };

/**
 * Takes the lab result for one send: only one caller can hold it (a lease), so that
 * never two requests are in flight for one lab result. A `sending` row whose lease has
 * run out (its process died) can be taken again.
 */
export async function claimLabResultForSending(
  db: Db,
  id: string,
  leaseSeconds: number,
  preloaded?: HeldDocument,
): Promise<ClaimedSubmission | undefined> {
  const [claimed] = await db
    .update(labResults)
    .set({
      status: "sending",
      attempts: sql`${labResults.attempts} + 1`,
      sendingUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(labResults.id, id),
        or(
          and(
            inArray(labResults.status, ["queued", "retrying"]),
            or(isNull(labResults.nextAttemptAt), lte(labResults.nextAttemptAt, sql`now() + interval '1 second'`)),
          ),
          and(eq(labResults.status, "sending"), lt(labResults.sendingUntil, sql`now()`)),
        ),
      ),
    )
    .returning({ id: labResults.id, attempts: labResults.attempts });
  if (!claimed) return undefined;
  const [row] = await db
    .select({
      mode: labResults.mode,
      accessionNumber: labResults.accessionNumber,
      notes: labResults.notes,
      patientEmail: labResults.patientEmail,
      physicianEmail: labResults.physicianEmail,
      patientExternalId: patients.patientId,
      partnerLabId: labs.partnerLabId,
      documentId: labResults.documentId,
    })
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .innerJoin(labs, eq(labs.id, labResults.labId))
    .where(eq(labResults.id, id));
  if (!row) return undefined;
  const { documentId, ...rest } = row;
  // The upload that just stored the document still holds its bytes: no second read.
  const document =
    preloaded ??
    (
      await db
        .select({ bytes: documents.bytes, fileName: documents.fileName })
        .from(documents)
        .where(eq(documents.id, documentId))
    )[0];
  if (!document) return undefined;
  return { id, attempts: claimed.attempts, ...rest, document };
}

export async function startSubmissionAttempt(db: Db, labResultId: string, attempt: number): Promise<string> {
  const [row] = await db
    .insert(submissionAttempts)
    .values({ labResultId, attempt })
    .returning({ id: submissionAttempts.id });
  return row!.id;
}

export type AttemptResult =
  | { state: "accepted"; httpStatus: number; message: string }
  | { state: "rejected"; httpStatus?: number; message: string }
  | { state: "retrying"; httpStatus?: number; message: string; nextAttemptAt: Date }
  | { state: "failed"; httpStatus?: number; message: string };

/** Records one attempt's outcome on the attempt and the lab result, in the caller's transaction. */
export async function finishSubmissionAttempt(
  tx: Db | Tx,
  labResultId: string,
  attemptId: string,
  result: AttemptResult,
): Promise<void> {
  await tx
    .update(submissionAttempts)
    .set({
      finishedAt: new Date(),
      outcome: result.state === "accepted" ? "accepted" : result.state === "rejected" ? "rejected" : "transient",
      httpStatus: result.httpStatus ?? null,
      message: result.message,
    })
    .where(eq(submissionAttempts.id, attemptId));
  const now = new Date();
  const common = { sendingUntil: null, updatedAt: now };
  const change =
    result.state === "accepted"
      ? {
          ...common,
          status: "accepted" as const,
          acceptedAt: now,
          docusMessage: result.message,
          lastError: null,
          nextAttemptAt: null,
        }
      : result.state === "retrying"
        ? { ...common, status: "retrying" as const, lastError: result.message, nextAttemptAt: result.nextAttemptAt }
        : { ...common, status: result.state, lastError: result.message, nextAttemptAt: null };
  // Only the holder of the send may record it: a cancelled row stays cancelled.
  await tx
    .update(labResults)
    .set(change)
    .where(and(eq(labResults.id, labResultId), eq(labResults.status, "sending")));
}

/**
 * Gives back a claim that could not be used (the rate limit has no slot soon): the row is
 * due again after `waitMs`, and the claim's attempt is not counted. False when the row is
 * no longer this send's (cancelled meanwhile).
 */
export async function deferLabResult(tx: Db | Tx, id: string, waitMs: number): Promise<boolean> {
  const rows = await tx
    .update(labResults)
    .set({
      status: sql`case when ${labResults.attempts} > 1 then 'retrying'::lab_result_status else 'queued'::lab_result_status end`,
      attempts: sql`greatest(${labResults.attempts} - 1, 0)`,
      sendingUntil: null,
      nextAttemptAt: sql`now() + make_interval(secs => ${Math.ceil(waitMs) / 1000})`,
      updatedAt: new Date(),
    })
    .where(and(eq(labResults.id, id), eq(labResults.status, "sending")))
    .returning({ id: labResults.id });
  return rows.length > 0;
}

/**
 * Ends the leases of sends this process abandons (shutdown): the rows are due at once, for
 * another instance or this one's successor, instead of after the lease.
 */
export async function releaseSendingLeases(db: Db, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db
    .update(labResults)
    .set({ sendingUntil: sql`now()`, updatedAt: new Date() })
    .where(and(inArray(labResults.id, ids), eq(labResults.status, "sending")))
    .returning({ id: labResults.id });
  return rows.length;
}

/**
 * When a lab result next needs a send, in seconds from now (0: now), or null when it needs
 * none (finished, cancelled, unknown). A `sending` row needs one when its lease ends: by
 * then its send has been recorded, or its holder is dead.
 */
export async function secondsUntilDue(tx: Db | Tx, id: string): Promise<number | null> {
  const [row] = await tx
    .select({
      status: labResults.status,
      wait: sql<number>`greatest(0, extract(epoch from (case when ${labResults.status} = 'sending' then ${labResults.sendingUntil} else coalesce(${labResults.nextAttemptAt}, now()) end) - now()))`.mapWith(
        Number,
      ),
    })
    .from(labResults)
    .where(eq(labResults.id, id));
  if (!row || !["queued", "retrying", "sending"].includes(row.status)) return null;
  return row.wait;
}

/**
 * Lab results that need a send and have no job waiting for them: `queued`/`retrying` and
 * due, or `sending` with an ended lease (its process died). An active job does not count:
 * a live send always ends within its lease, so an active job of a row whose lease has
 * ended belongs to a dead process (pg-boss only notices when the job expires).
 */
export async function listLabResultsNeedingJob(db: Db, queue: string, limit = 500): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    select lr.id from lab_results lr
    where (
        (lr.status in ('queued', 'retrying') and (lr.next_attempt_at is null or lr.next_attempt_at <= now()))
        or (lr.status = 'sending' and lr.sending_until < now())
      )
      and not exists (
        select 1 from pgboss.job j
        where j.name = ${queue} and j.state in ('created', 'retry') and j.data->>'labResultId' = lr.id::text
      )
    order by lr.created_at
    limit ${limit}`);
  // postgres.js answers with the rows, PGlite with an object holding them.
  const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: Array<{ id: string }> }).rows;
  return list.map((row) => row.id);
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
  labIds: string[],
  ids: string[],
  spacingMs = 0,
): Promise<LabResultState[]> {
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
export async function requeueLabResult(tx: Db | Tx, labIds: string[], id: string): Promise<string | null> {
  const [row] = await tx
    .update(labResults)
    .set({ status: "queued", attempts: 0, nextAttemptAt: null, sendingUntil: null, updatedAt: new Date() })
    .where(and(eq(labResults.id, id), inArray(labResults.labId, labIds), rejectedOrFailed))
    .returning({ labId: labResults.labId });
  return row?.labId ?? null;
}

/**
 * Cancels a submission that Docus has not accepted: queued, waiting for its next attempt,
 * or being sent (a request in flight may still reach Docus; its answer is then not
 * recorded, since only a `sending` row takes one). Returns its lab, or null when nothing
 * was cancelled.
 */
export async function cancelLabResult(db: Db, labIds: string[], id: string): Promise<string | null> {
  const [row] = await db
    .update(labResults)
    .set({ status: "cancelled", nextAttemptAt: null, sendingUntil: null, updatedAt: new Date() })
    .where(
      and(
        eq(labResults.id, id),
        inArray(labResults.labId, labIds),
        inArray(labResults.status, ["queued", "retrying", "sending"]),
      ),
    )
    .returning({ labId: labResults.labId });
  return row?.labId ?? null;
}

export type PatientTimelineFilter = "all" | "with_report" | "waiting" | "rejected";

/** A patient's lab results, newest first, limited to the user's labs. */
export async function listLabResultsForPatient(
  db: Db,
  labIds: string[],
  patientRef: string,
  { show = "all", from, to }: { show?: PatientTimelineFilter; from?: Date; to?: Date } = {},
) {
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

/** Interpreted lab results still without a report after the lab's turnaround time (the watchdog). */
export async function listOverdueLabResults(
  db: Db,
  scope: LabScope,
  turnaroundHours: number,
  now = new Date(),
  limit = 10,
): Promise<AttentionRow[]> {
  return db
    .select(attentionColumns)
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .where(
      and(
        eq(labResults.labId, scope.labId),
        waitingForReport,
        lt(labResults.createdAt, new Date(now.getTime() - turnaroundHours * 3_600_000)),
      ),
    )
    .orderBy(labResults.createdAt)
    .limit(limit);
}

/** Rejected or failed submissions that a technician should look at, newest first. */
export async function listRejectedLabResults(db: Db, scope: LabScope, limit = 10): Promise<AttentionRow[]> {
  return db
    .select(attentionColumns)
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .where(and(eq(labResults.labId, scope.labId), rejectedOrFailed))
    .orderBy(descNullsLast(labResults.updatedAt))
    .limit(limit);
}
