import "server-only";
import type { PgBoss } from "pg-boss";
import { getDb } from "@/db";
import { listLabResultsNeedingJob, secondsUntilDue } from "@/db/queries/system/lab-result-sends";
import { SUBMIT_QUEUE, SWEEP_QUEUE, beforeJobsStop, getBoss, wakeWorkers, type SubmitJob } from "@/lib/jobs/boss";
import { drainSends } from "./drain";
import { enqueueSubmission } from "./queue";
import { sendLabResult, type SendDeps } from "./send";

/**
 * Starts this process's worker for lab-result sends. Every portal instance runs one (and
 * `npm run worker` runs one on its own); pg-boss hands each job to one of them, and the
 * lab result's lease keeps a send from ever being made twice at once.
 */
export async function startSubmitWorker(boss?: PgBoss, deps: SendDeps = {}): Promise<void> {
  if (!boss) {
    boss = await getBoss();
    // The process's own boss: on SIGTERM, wait for this worker's sends in flight.
    beforeJobsStop(drainSends);
  }
  const sendDeps = { ...deps, boss };
  await boss.work<SubmitJob>(
    SUBMIT_QUEUE,
    // NOTIFY wakes the worker at once; polling is the backstop.
    { batchSize: 1, localConcurrency: 4, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 5 },
    async ([job]) => {
      if (!job) return;
      try {
        await runSubmitJob(job.data.labResultId, sendDeps, { takeover: job.data.takeover === true });
      } finally {
        // Drain at the rate limit, not at pg-boss's poll interval (wakeWorkers).
        wakeWorkers(sendDeps.boss, SUBMIT_QUEUE);
      }
    },
  );
  await boss.work(SWEEP_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async () => {
    await sweepLabResults(sendDeps);
  });
  // A start after a crash need not wait for the first tick.
  await sweepLabResults(sendDeps).catch((error: unknown) => {
    console.error(`[jobs] the start-up sweep failed: ${error instanceof Error ? error.name : "unknown error"}`);
  });
}

/**
 * One job: one send. A job never completes while its row still needs a send: when the
 * send is skipped (another holds the lease, or the row is not due yet), a successor job is
 * enqueued, in one transaction with the check, for when the row is due. A takeover job
 * (set for the end of a send's lease) needs none: whatever holds the row then set its own
 * (a live send sets a takeover job per attempt, a retry or a deferral its own job). A throw
 * leaves the job to pg-boss's retries.
 */
export async function runSubmitJob(
  labResultId: string,
  deps: SendDeps & { boss: PgBoss },
  { takeover = false }: { takeover?: boolean } = {},
): Promise<void> {
  const result = await sendLabResult(labResultId, deps);
  if (result !== "skipped" || takeover) return;
  const db = deps.db ?? (await getDb());
  await db.transaction(async (tx) => {
    const wait = await secondsUntilDue(tx, labResultId);
    if (wait !== null) await enqueueSubmission(tx, labResultId, wait + 1, deps.boss);
  });
}

/**
 * The safety net: enqueues a job for every lab result that needs a send and has no job
 * waiting (see listLabResultsNeedingJob). pg-boss's scheduler runs it on one instance per
 * tick; two sweeps at once would only add a spare job, which finds nothing to do.
 */
export async function sweepLabResults(deps: SendDeps & { boss: PgBoss }): Promise<number> {
  const db = deps.db ?? (await getDb());
  const ids = await listLabResultsNeedingJob(db, SUBMIT_QUEUE);
  for (const id of ids) {
    await db.transaction((tx) => enqueueSubmission(tx, id, 0, deps.boss));
  }
  if (ids.length > 0) console.log(`[jobs] sweep: re-enqueued ${ids.length} lab result(s)`);
  return ids.length;
}
