import "server-only";
import type { PgBoss } from "pg-boss";
import { sendLabResult, type SendDeps } from "@/lib/lab-results/submission";
import { SUBMIT_QUEUE, getBoss, type SubmitJob } from "./boss";

/**
 * Starts this process's worker for lab-result sends. Every portal instance runs one (and
 * `npm run worker` runs one on its own); pg-boss hands each job to one of them, and the
 * lab result's lease keeps a send from ever being made twice at once.
 */
export async function startSubmitWorker(boss?: PgBoss, deps: SendDeps = {}): Promise<void> {
  boss ??= await getBoss();
  const sendDeps = { ...deps, boss };
  await boss.work<SubmitJob>(SUBMIT_QUEUE, { batchSize: 1, localConcurrency: 4, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    await sendLabResult(job.data.labResultId, sendDeps);
  });
}
