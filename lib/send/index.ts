/**
 * The send of a lab result to Docus, in one folder (see docs/send-pipeline.md):
 *
 * - policy.ts: what an answer makes of the send (accept, reject, retry with backoff, fail
 *   after the last attempt) and how it waits for Docus's rate limit (wait or defer);
 * - send.ts: one send, start to end (claim with a lease, permit, attempt, outcome);
 * - worker.ts: the job handler (one job = one send), the takeover job and the sweep;
 * - queue.ts: enqueueing a send job inside the caller's transaction;
 * - drain.ts, in-flight.ts: graceful shutdown;
 * - the state changes are the queries of db/queries/system/lab-result-sends.ts.
 *
 * pg-boss itself (start, stop, the queues' options) is lib/jobs.
 */
export { enqueueSubmission } from "./queue";
export { sendLabResult, type SendDeps, type SendResult } from "./send";
export { retryPolicyFromEnv } from "./policy";
export { runSubmitJob, startSubmitWorker, sweepLabResults } from "./worker";
export { SUBMIT_QUEUE, SWEEP_QUEUE, sendLeaseSeconds, type SubmitJob } from "@/lib/jobs/boss";
