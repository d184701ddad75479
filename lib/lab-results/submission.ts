import "server-only";
import type { PgBoss } from "pg-boss";
import { getDb, type Db } from "@/db";
import {
  claimLabResultForSending,
  finishSubmissionAttempt,
  startSubmissionAttempt,
  type AttemptResult,
  type HeldDocument,
} from "@/db/queries/lab-results";
import { nextAttemptDelayMs, type RetryPolicy } from "@/lib/docus/backoff";
import { docusCredentialsFromEnv, submitLabResult, type DocusCredentials, type SubmissionOutcome } from "@/lib/docus/client";
import { getEnv } from "@/lib/env";
import { enqueueSubmission } from "@/lib/jobs/boss";

/**
 * One send of one lab result to Docus. Called inline right after an upload commits (so
 * the normal case answers "accepted" at once) and by the pg-boss worker (the durable
 * path: crash recovery and retries). The lease taken by the claim makes the two safe
 * together: whoever holds it sends, the other finds nothing to do.
 */

export type SendDeps = {
  db?: Db;
  boss?: PgBoss;
  credentials?: DocusCredentials | null;
  policy?: RetryPolicy;
  timeoutMs?: number;
  random?: () => number;
  /** The document's bytes when the caller already holds them (the upload itself). */
  preloaded?: HeldDocument;
};

export type SendResult = "skipped" | AttemptResult["state"];

export function retryPolicyFromEnv(): RetryPolicy {
  const env = getEnv();
  return { maxAttempts: env.DOCUS_RETRY_MAX_ATTEMPTS, baseMs: env.DOCUS_RETRY_BASE_MS, maxMs: env.DOCUS_RETRY_MAX_MS };
}

const NOT_CONFIGURED =
  "The portal has no Docus connection configured (DOCUS_API_URL, DOCUS_API_KEY, DOCUS_TEAM_ID, DOCUS_AUTH_KEY). An administrator must set it; then retry.";

function toAttemptResult(outcome: SubmissionOutcome, attempts: number, policy: RetryPolicy, random: () => number): AttemptResult {
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
      return { state: "retrying", httpStatus: outcome.status, message: outcome.message, nextAttemptAt: new Date(Date.now() + delay) };
    }
  }
}

export async function sendLabResult(labResultId: string, deps: SendDeps = {}): Promise<SendResult> {
  const db = deps.db ?? (await getDb());
  const timeoutMs = deps.timeoutMs ?? getEnv().DOCUS_TIMEOUT_MS;
  const policy = deps.policy ?? retryPolicyFromEnv();
  const random = deps.random ?? Math.random;
  // The lease outlives the request's own timeout, so a live send is never taken over.
  const claimed = await claimLabResultForSending(db, labResultId, Math.ceil(timeoutMs / 1000) + 15, deps.preloaded);
  if (!claimed) return "skipped";
  const attemptId = await startSubmissionAttempt(db, labResultId, claimed.attempts);

  const credentials = deps.credentials === undefined ? docusCredentialsFromEnv() : deps.credentials;
  const result: AttemptResult = credentials
    ? toAttemptResult(
        await submitLabResult(
          credentials,
          {
            mode: claimed.mode,
            patientId: claimed.patientExternalId,
            referenceId: claimed.accessionNumber,
            partnerLabId: claimed.partnerLabId,
            notes: claimed.notes,
            file: { bytes: claimed.document.bytes, base64: claimed.document.base64, fileName: claimed.document.fileName, mimeType: "application/pdf" },
          },
          { timeoutMs },
        ),
        claimed.attempts,
        policy,
        random,
      )
    : { state: "failed", message: NOT_CONFIGURED };

  await db.transaction(async (tx) => {
    await finishSubmissionAttempt(tx, labResultId, attemptId, result);
    if (result.state === "retrying") {
      await enqueueSubmission(tx, labResultId, (result.nextAttemptAt.getTime() - Date.now()) / 1000, deps.boss);
    }
  });
  return result.state;
}
