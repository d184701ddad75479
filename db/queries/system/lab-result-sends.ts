import "server-only";
import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { documents, labResults, labs, patients, sendPendingStatuses, submissionAttempts } from "@/db/schema";
import { ABANDONED_ATTEMPT_MESSAGE } from "@/lib/domain";

/*
 * SYSTEM ONLY: the send's state changes (claim with a lease, record each attempt, defer,
 * release leases, find rows that need a job), one file for the send in lib/send (see
 * docs/send-pipeline.md). These queries take lab result ids and bypass lab scoping by
 * design: a send belongs to no user. Only the send's worker, its sweep and its drain
 * (lib/send) call them, never a page, action or route handler acting for a user; the
 * lint rule on db/queries/system/ in eslint.config.mjs keeps it so.
 */

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
  /** When the lab result was uploaded (for the turnaround metric). */
  createdAt: Date;
  document: HeldDocument;
};

/**
 * A document to send, as Docus takes it: its bytes in Base64, encoded by PostgreSQL (a
 * third larger than the bytes, where the driver's hex text of a bytea is twice as large and
 * would be decoded to bytes and encoded to Base64 again, all in the sending process).
 */
export type HeldDocument = { base64: string; fileName: string };

/**
 * Takes the lab result for one send: only one caller can hold it (a lease), so that
 * never two requests are in flight for one lab result. A `sending` row whose lease has
 * run out (its process died) can be taken again; the attempt that process left
 * unfinished is then closed as abandoned, so the history never shows it "in progress".
 * The claim counts no attempt: startSubmissionAttempt does, when a request is about to go.
 */
export async function claimLabResultForSending(
  db: Db,
  id: string,
  leaseSeconds: number,
): Promise<ClaimedSubmission | undefined> {
  const [claimed] = await db
    .update(labResults)
    .set({
      status: "sending",
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
  // Whoever held the row before is gone (or finished): an attempt still open is theirs.
  await db
    .update(submissionAttempts)
    .set({ finishedAt: new Date(), outcome: "transient", message: ABANDONED_ATTEMPT_MESSAGE })
    .where(and(eq(submissionAttempts.labResultId, id), isNull(submissionAttempts.finishedAt)));
  const [row] = await db
    .select({
      mode: labResults.mode,
      accessionNumber: labResults.accessionNumber,
      notes: labResults.notes,
      patientEmail: labResults.patientEmail,
      physicianEmail: labResults.physicianEmail,
      patientExternalId: patients.patientId,
      partnerLabId: labs.partnerLabId,
      createdAt: labResults.createdAt,
      documentId: labResults.documentId,
    })
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .innerJoin(labs, eq(labs.id, labResults.labId))
    .where(eq(labResults.id, id));
  if (!row) return undefined;
  const { documentId, ...rest } = row;
  const [document] = await db
    .select({
      // encode() breaks Base64 into lines of 76 characters; JSON and Docus want one string.
      base64: sql<string>`translate(encode(${documents.bytes}, 'base64'), chr(10), '')`,
      fileName: documents.fileName,
    })
    .from(documents)
    .where(eq(documents.id, documentId));
  if (!document) return undefined;
  return { id, attempts: claimed.attempts, ...rest, document };
}

/**
 * A request is about to go: counts the attempt on the lab result and records it in the
 * history, in the caller's transaction, so that the count is always what the history
 * lists. Returns the attempt's id and number.
 */
export async function startSubmissionAttempt(
  tx: Db | Tx,
  labResultId: string,
): Promise<{ id: string; attempt: number }> {
  const [counted] = await tx
    .update(labResults)
    .set({ attempts: sql`${labResults.attempts} + 1` })
    .where(eq(labResults.id, labResultId))
    .returning({ attempts: labResults.attempts });
  const attempt = counted!.attempts;
  const [row] = await tx
    .insert(submissionAttempts)
    .values({ labResultId, attempt })
    .returning({ id: submissionAttempts.id });
  return { id: row!.id, attempt };
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
 * due again after `waitMs` (no attempt was counted). False when the row is no longer this
 * send's (cancelled meanwhile).
 */
export async function deferLabResult(tx: Db | Tx, id: string, waitMs: number): Promise<boolean> {
  const rows = await tx
    .update(labResults)
    .set({
      status: sql`case when ${labResults.attempts} > 0 then 'retrying'::lab_result_status else 'queued'::lab_result_status end`,
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
  if (!row || !sendPendingStatuses.includes(row.status)) return null;
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
