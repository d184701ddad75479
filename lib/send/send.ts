import "server-only";
import type { PgBoss } from "pg-boss";
import { getDb, type Db } from "@/db";
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
  submitLabResult,
  type DocusCredentials,
  type DocusRateLimiter,
  type RetryPolicy,
} from "@/lib/docus";
import { getEnv } from "@/lib/env";
import { sendLeaseSeconds } from "@/lib/jobs/boss";
import { getMetrics, secondsSince } from "@/lib/observability/metrics";
import { trackInFlight } from "./in-flight";
import { MAX_INLINE_WAIT_MS, NOT_CONFIGURED, retryPolicyFromEnv, takePermit, toAttemptResult } from "./policy";
import { enqueueSubmission, wakeSendWorkersWhenDue } from "./queue";

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
        const deferred = await db.transaction(async (tx) => {
          if (!(await deferLabResult(tx, labResultId, permit.waitMs))) return false;
          await enqueueSubmission(tx, labResultId, permit.waitMs / 1000, deps.boss);
          return true;
        });
        if (deferred) wakeSendWorkersWhenDue(deps.boss, permit.waitMs / 1000);
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
              base64: claimed.document.base64,
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

    const retryAfterSeconds = await db.transaction(async (tx) => {
      await finishSubmissionAttempt(tx, labResultId, attemptId, result);
      if (result.state !== "retrying") return null;
      const seconds = (result.nextAttemptAt.getTime() - Date.now()) / 1000;
      await enqueueSubmission(tx, labResultId, seconds, deps.boss);
      return seconds;
    });
    if (retryAfterSeconds !== null) wakeSendWorkersWhenDue(deps.boss, retryAfterSeconds);
    return result.state;
  } catch (error) {
    // Whatever failed (the database, the limiter), the row must not wait out the lease.
    await releaseSendingLeases(db, [labResultId]).catch(() => undefined);
    throw error;
  } finally {
    untrack();
  }
}
