import { getDb } from "@/db";
import { releaseSendingLeases } from "@/db/queries/system/lab-result-sends";
import { getEnv } from "@/lib/env";
import { sendsInFlight } from "./in-flight";

/**
 * Graceful shutdown of the sends (a stop hook of lib/jobs, run on SIGTERM after the queues
 * stopped taking jobs and before pg-boss stops): let the sends in flight finish (up to the
 * Docus timeout, so each gets its answer or its own timeout and records it), then end the
 * leases of any still running, so that their lab results are due at once for another
 * instance or the next start.
 */
export async function drainSends(): Promise<void> {
  const deadline = Date.now() + getEnv().DOCUS_TIMEOUT_MS + 2_000;
  while (sendsInFlight().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const abandoned = sendsInFlight();
  if (abandoned.length > 0) {
    const released = await releaseSendingLeases(await getDb(), abandoned).catch(() => 0);
    console.log(`[jobs] shutdown: released ${released} send lease(s) still in flight`);
  }
}
