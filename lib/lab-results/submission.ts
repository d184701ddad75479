import "server-only";
import type { PgBoss } from "pg-boss";
import { getDb, type Db, type Tx } from "@/db";
import { createLabResultSubmission, type SubmissionInput } from "@/db/queries/lab-result-submissions";
import { confirmHeldLabResult, removeHeldLabResult } from "@/db/queries/guard";
import { scopeOf } from "@/db/queries/scope";
import { enqueueSubmission } from "@/lib/send";
import { getMetrics } from "@/lib/observability/metrics";
import { recordAudit } from "@/lib/audit";
import type { PdfTextLimits } from "@/lib/pdf/text";
import type { GuardDecision } from "@/lib/guard/rules";
import { checkUpload } from "./guard-check";

/**
 * Storing an upload and queueing its send (the send itself is lib/send), and the
 * wrong-patient guard's confirm and remove.
 */

/**
 * Stores one upload and queues its send, in ONE transaction: patient (resolved once, see
 * resolveNewPatient), document, lab result (`queued`), the send job with no start delay,
 * and whatever `alsoInTransaction` adds (the audit event). After the commit the upload is
 * durable and the job's NOTIFY wakes a worker at once. Shared by every upload path.
 *
 * Every upload passes the wrong-patient guard first (checkUpload, before the transaction):
 * a PDF whose text names neither the patient id nor the accession number is stored as
 * `needs_confirmation` with NO job (and a `lab_result.guard_hold` audit event) until a
 * person confirms it (confirmHeldLabResultSend) or removes it.
 */
export async function queueLabResult(
  input: SubmissionInput,
  alsoInTransaction: (tx: Tx, labResultId: string) => Promise<void> = async () => {},
  deps: { db?: Db; boss?: PgBoss; textLimits?: Partial<PdfTextLimits> } = {},
): Promise<{
  labResultId: string;
  patientId: string;
  status: "queued" | "needs_confirmation";
  guard: GuardDecision;
}> {
  const db = deps.db ?? (await getDb());
  const metrics = getMetrics();
  let guard: GuardDecision;
  let held: boolean;
  let stored: Awaited<ReturnType<typeof createLabResultSubmission>>;
  try {
    ({ guard, held, stored } = await storeUpload(db, input, alsoInTransaction, deps));
  } catch (error) {
    metrics.uploads.inc({ outcome: "failed" });
    throw error;
  }
  metrics.uploads.inc({ outcome: held ? "held" : "queued" });
  if (held) metrics.guardHolds.inc();
  return { ...stored, status: held ? "needs_confirmation" : "queued", guard };
}

async function storeUpload(
  db: Db,
  input: SubmissionInput,
  alsoInTransaction: (tx: Tx, labResultId: string) => Promise<void>,
  deps: { boss?: PgBoss; textLimits?: Partial<PdfTextLimits> },
) {
  const guard = await checkUpload(db, input, deps.textLimits);
  const held = guard.outcome === "needs_confirmation";
  const stored = await createLabResultSubmission(
    db,
    input,
    async (tx, id) => {
      if (held) {
        await recordAudit(tx, {
          action: "lab_result.guard_hold",
          outcome: "allowed",
          userId: input.userId,
          labId: input.labId,
          labResultId: id,
          details: { reason: guard.reason },
        });
      } else {
        await enqueueSubmission(tx, id, 0, deps.boss);
      }
      await alsoInTransaction(tx, id);
    },
    guard,
  );
  return { guard, held, stored };
}

/**
 * A person confirms a held lab result: it becomes `queued` with its send job and an audit
 * event naming them, in ONE transaction (as queueLabResult stores an upload). False when it
 * is not a held lab result of their labs.
 */
export async function confirmHeldLabResultSend(
  user: { id: string; name: string } & Parameters<typeof scopeOf>[0],
  labResultId: string,
  deps: { db?: Db; boss?: PgBoss } = {},
): Promise<boolean> {
  const db = deps.db ?? (await getDb());
  return db.transaction(async (tx) => {
    const labId = await confirmHeldLabResult(tx, scopeOf(user), labResultId, user.id);
    if (!labId) return false;
    await enqueueSubmission(tx, labResultId, 0, deps.boss);
    await recordAudit(tx, {
      action: "lab_result.guard_confirm",
      outcome: "allowed",
      userId: user.id,
      labId,
      labResultId,
      details: { confirmedBy: user.name },
    });
    return true;
  });
}

/** A person removes a held lab result: `cancelled`, never sent, audited with their name. False when not found. */
export async function removeHeldLabResultUpload(
  user: { id: string; name: string } & Parameters<typeof scopeOf>[0],
  labResultId: string,
  deps: { db?: Db } = {},
): Promise<boolean> {
  const db = deps.db ?? (await getDb());
  return db.transaction(async (tx) => {
    const labId = await removeHeldLabResult(tx, scopeOf(user), labResultId);
    if (!labId) return false;
    await recordAudit(tx, {
      action: "lab_result.guard_remove",
      outcome: "allowed",
      userId: user.id,
      labId,
      labResultId,
      details: { removedBy: user.name },
    });
    return true;
  });
}
