import "server-only";
import type { PgBoss } from "pg-boss";
import { getDb, type Db, type Tx } from "@/db";
import { createLabResultSubmission, type SubmissionInput } from "@/db/queries/lab-result-submissions";
import { confirmHeldLabResult, removeHeldLabResult } from "@/db/queries/guard";
import { scopeOf } from "@/db/queries/scope";
import {
  claimLabResultForSending,
  deferLabResult,
  releaseSendingLeases,
  finishSubmissionAttempt,
  startSubmissionAttempt,
  type AttemptResult,
} from "@/db/queries/system/lab-result-sends";
import {
  docusCredentialsFromEnv,
  docusRateLimiterFor,
  nextAttemptDelayMs,
  submitLabResult,
  type DocusCredentials,
  type DocusRateLimiter,
  type Permit,
  type RetryPolicy,
  type SubmissionOutcome,
} from "@/lib/docus";
import { getEnv } from "@/lib/env";
import { enqueueSubmission, sendLeaseSeconds } from "@/lib/jobs/boss";
import { trackInFlight } from "@/lib/jobs/in-flight";
import { getMetrics, secondsSince } from "@/lib/observability/metrics";
import { recordAudit } from "@/lib/audit";
import type { PdfTextLimits } from "@/lib/pdf/text";
import type { GuardDecision } from "./guard";
import { checkUpload } from "./guard-check";

/**
 * Sending lab results to Docus. The pg-boss worker is the only caller in the portal: an
 * upload stores and enqueues (queueLabResult), the worker sends (sendLabResult). The lease
 * taken by the claim keeps two jobs for one row (a retry and a sweep's, or two instances)
 * from ever sending it twice at once.
 */

export type SendDeps = {
  db?: Db;
  boss?: PgBoss;
  credentials?: DocusCredentials | null;
  policy?: RetryPolicy;
  timeoutMs?: number;
  random?: () => number;
  /** The shared Docus rate limit; null sends without one (tests of other things). */
  limiter?: DocusRateLimiter | null;
};

export type SendResult = "skipped" | "deferred" | AttemptResult["state"];

export function retryPolicyFromEnv(): RetryPolicy {
  const env = getEnv();
  return { maxAttempts: env.DOCUS_RETRY_MAX_ATTEMPTS, baseMs: env.DOCUS_RETRY_BASE_MS, maxMs: env.DOCUS_RETRY_MAX_MS };
}

const NOT_CONFIGURED =
  "The portal has no Docus connection configured (DOCUS_API_URL, DOCUS_API_KEY, DOCUS_TEAM_ID, DOCUS_AUTH_KEY). An administrator must set it; then retry.";

function toAttemptResult(
  outcome: SubmissionOutcome,
  attempts: number,
  policy: RetryPolicy,
  random: () => number,
): AttemptResult {
  switch (outcome.kind) {
    case "accepted":
      return { state: "accepted", httpStatus: outcome.status, message: outcome.message };
    case "rejected":
      return { state: "rejected", httpStatus: outcome.status, message: outcome.message };
    case "transient": {
      if (attempts >= policy.maxAttempts) {
        return {
          state: "failed",
          httpStatus: outcome.status,
          message: `Gave up after ${attempts} attempts. Last error: ${outcome.message}`,
        };
      }
      const delay = nextAttemptDelayMs(attempts, outcome.retryAfterMs, policy, random);
      return {
        state: "retrying",
        httpStatus: outcome.status,
        message: outcome.message,
        nextAttemptAt: new Date(Date.now() + delay),
      };
    }
  }
}

/** A wait for a rate-limit slot shorter than this is waited out while holding the claim. */
const MAX_INLINE_WAIT_MS = 5_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Takes a slot of the shared Docus budget: a short wait (the spacing between requests) is
 * waited out here; a long one (the hourly budget is spent) is answered with its length.
 */
async function takePermit(limiter: DocusRateLimiter, budgetMs: number): Promise<Permit> {
  const until = Date.now() + budgetMs;
  const metrics = getMetrics();
  for (;;) {
    const permit = await limiter.take();
    if (permit.ok || Date.now() + permit.waitMs > until) {
      if (!permit.ok) {
        metrics.rateLimitWaits.inc({ kind: "deferred" });
        metrics.rateLimitWaitSeconds.observe(permit.waitMs / 1000);
      }
      return permit;
    }
    metrics.rateLimitWaits.inc({ kind: "inline" });
    metrics.rateLimitWaitSeconds.observe(permit.waitMs / 1000);
    await sleep(permit.waitMs);
  }
}

/**
 * One send of one lab result to Docus: claim it (a lease, so that only one send is ever in
 * flight), take a slot of the shared rate limit, send, record the outcome and, for a
 * transient failure, enqueue the next attempt in the same transaction. "skipped": the row
 * needed no send now (someone else holds it, it is finished, or it is not due yet);
 * "deferred": the rate limit has no slot soon, and the row is queued again for when it does.
 */
export async function sendLabResult(labResultId: string, deps: SendDeps = {}): Promise<SendResult> {
  const db = deps.db ?? (await getDb());
  const timeoutMs = deps.timeoutMs ?? getEnv().DOCUS_TIMEOUT_MS;
  const policy = deps.policy ?? retryPolicyFromEnv();
  const random = deps.random ?? Math.random;
  const leaseSeconds = sendLeaseSeconds(timeoutMs);
  const claimed = await claimLabResultForSending(db, labResultId, leaseSeconds);
  if (!claimed) return "skipped";
  const untrack = trackInFlight(labResultId);
  try {
    const limiter = deps.limiter === undefined ? docusRateLimiterFor(db) : deps.limiter;
    if (limiter) {
      // The wait and the request both fit in the lease, with five seconds to spare.
      const permit = await takePermit(
        limiter,
        Math.max(0, Math.min(MAX_INLINE_WAIT_MS, leaseSeconds * 1000 - timeoutMs - 5_000)),
      );
      if (!permit.ok) {
        await db.transaction(async (tx) => {
          if (await deferLabResult(tx, labResultId, permit.waitMs))
            await enqueueSubmission(tx, labResultId, permit.waitMs / 1000, deps.boss);
        });
        return "deferred";
      }
    }
    // The attempt is counted and listed, and a job is set for the lease's end, in one
    // transaction: should this process die mid-request, that job lets any instance take the
    // send over as soon as the lease lapses (the sweep remains the backstop).
    const { id: attemptId, attempt } = await db.transaction(async (tx) => {
      const started = await startSubmissionAttempt(tx, labResultId);
      await enqueueSubmission(tx, labResultId, leaseSeconds + 1, deps.boss, { takeover: true });
      return started;
    });

    const credentials = deps.credentials === undefined ? docusCredentialsFromEnv() : deps.credentials;
    const requestStart = performance.now();
    const outcome = credentials
      ? await submitLabResult(
          credentials,
          {
            mode: claimed.mode,
            patientId: claimed.patientExternalId,
            referenceId: claimed.accessionNumber,
            partnerLabId: claimed.partnerLabId,
            notes: claimed.notes,
            patientEmail: claimed.patientEmail,
            physicianEmail: claimed.physicianEmail,
            file: {
              bytes: claimed.document.bytes,
              fileName: claimed.document.fileName,
              mimeType: "application/pdf",
            },
          },
          { timeoutMs },
        )
      : null;
    if (outcome) {
      const metrics = getMetrics();
      metrics.docusRequests.inc({ outcome: outcome.kind });
      metrics.docusDuration.observe({ outcome: outcome.kind }, secondsSince(requestStart));
      if (outcome.kind === "accepted") {
        metrics.reportTurnaround.observe(
          { stage: "upload_to_accepted" },
          (Date.now() - claimed.createdAt.getTime()) / 1000,
        );
      }
    }
    // Docus asked every caller to wait: no instance sends before the wait is over.
    if (limiter && outcome?.kind === "transient" && outcome.status === 429 && outcome.retryAfterMs !== undefined) {
      await limiter.pause(outcome.retryAfterMs).catch(() => undefined);
    }
    const result: AttemptResult = outcome
      ? toAttemptResult(outcome, attempt, policy, random)
      : { state: "failed", message: NOT_CONFIGURED };

    await db.transaction(async (tx) => {
      await finishSubmissionAttempt(tx, labResultId, attemptId, result);
      if (result.state === "retrying") {
        await enqueueSubmission(tx, labResultId, (result.nextAttemptAt.getTime() - Date.now()) / 1000, deps.boss);
      }
    });
    return result.state;
  } catch (error) {
    // Whatever failed (the database, the limiter), the row must not wait out the lease.
    await releaseSendingLeases(db, [labResultId]).catch(() => undefined);
    throw error;
  } finally {
    untrack();
  }
}

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
