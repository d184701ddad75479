import "server-only";
import type { AttemptResult } from "@/db/queries/system/lab-result-sends";
import {
  nextAttemptDelayMs,
  type DocusRateLimiter,
  type Permit,
  type RetryPolicy,
  type SubmissionOutcome,
} from "@/lib/docus";
import { getEnv } from "@/lib/env";
import { getMetrics } from "@/lib/observability/metrics";

/**
 * The send's policy, in one place: what one Docus answer makes of the send (accepted,
 * rejected, retrying at a backed-off time, or failed after the last attempt), and how a
 * send waits for a slot of Docus's rate limit (a short wait is waited out, a long one
 * defers the send). lib/send/send.ts carries these decisions out; see docs/send-pipeline.md.
 */

export function retryPolicyFromEnv(): RetryPolicy {
  const env = getEnv();
  return { maxAttempts: env.DOCUS_RETRY_MAX_ATTEMPTS, baseMs: env.DOCUS_RETRY_BASE_MS, maxMs: env.DOCUS_RETRY_MAX_MS };
}

export const NOT_CONFIGURED =
  "The portal has no Docus connection configured (DOCUS_API_URL, DOCUS_API_KEY, DOCUS_TEAM_ID, DOCUS_AUTH_KEY). An administrator must set it; then retry.";

export function toAttemptResult(
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
export const MAX_INLINE_WAIT_MS = 5_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Takes a slot of the shared Docus budget: a short wait (the spacing between requests) is
 * waited out here; a long one (the hourly budget is spent) is answered with its length.
 */
export async function takePermit(limiter: DocusRateLimiter, budgetMs: number): Promise<Permit> {
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
