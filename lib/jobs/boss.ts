import type { PGlite } from "@electric-sql/pglite";
import { PgBoss, fromPglite } from "pg-boss";
import { beforeDbClose, getPgliteClient } from "@/db";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import { setQueueStatsSource } from "@/lib/observability/metrics";

/**
 * Durable jobs on the portal's own database (pg-boss): PostgreSQL, or the embedded
 * PGlite through pg-boss's adapter. Job payloads carry ids only, never document bytes
 * or credentials. This folder is pg-boss alone (start, stop, the queues and their
 * options); it imports none of the jobs' handlers, which live with their work (the send:
 * lib/send; the HL7 feed: lib/exports/mllp-feed.ts) and register a stop hook when needed.
 *
 * The send queue uses pg-boss's LISTEN/NOTIFY: a job's insert carries a NOTIFY that
 * PostgreSQL delivers when the upload's transaction commits, and every instance's worker
 * wakes on it at once (polling stays as the backstop). So a send starts right after the
 * commit on whichever instance is free, with no fixed delay and no second, inline path.
 */

export const SUBMIT_QUEUE = "lab-result-submit";
/** The periodic sweep (pg-boss's scheduler: one instance sends each tick). */
export const SWEEP_QUEUE = "lab-result-sweep";

/**
 * One send job. `takeover`: the job set for the end of a send's lease, which takes the send
 * over should its process have died mid-request; when it finds nothing to take over it ends
 * without a successor (the row's own jobs carry it on).
 */
export type SubmitJob = { labResultId: string; takeover?: true };

/** The labs' outbound HL7 feeds (lib/exports/mllp-feed.ts): one job per send of one message, by id. */
export const HL7_FEED_QUEUE = "hl7-feed";

/** Comparing a new report version's text with an earlier one (lib/reports/diff-job.ts): one job per diff, by id. */
export const REPORT_DIFF_QUEUE = "report-diff";
/**
 * The wrong-patient check of a delivered report's text (lib/lab-results/guard-check.ts):
 * one job per stored report, by id, enqueued in the transaction that stores the report.
 */
export const REPORT_TEXT_CHECK_QUEUE = "report-text-check";

/**
 * After a job, this process's workers of `queue` fetch again at once instead of sleeping out
 * pg-boss's poll interval. pg-boss sleeps a worker for the rest of its interval after each
 * job (the NOTIFY backstop, 5 s) and bursts only for batches; so, with single-job batches,
 * each worker took one job per few seconds however long the queue (docs/send-pipeline.md,
 * bench:sends; the delivered reports' text checks drained at about one a second,
 * bench:deliveries). A worker notified while it runs a job skips its sleep; an idle one
 * fetches once and, with nothing there, sleeps again. So a queue drains as fast as its
 * workers run, and an idle one costs one fetch per worker after its last job.
 */
export function wakeWorkers(boss: PgBoss, queue: string): void {
  for (const worker of boss.getWipData()) if (worker.name === queue) boss.notifyWorker(worker.id);
}

const bossKey = Symbol.for("lab-portal.boss");
const startedKey = Symbol.for("lab-portal.boss.started");
type BossCache = { [bossKey]?: Promise<PgBoss>; [startedKey]?: boolean };

export type BossTarget = { pglite: PGlite } | { connectionString: string };

/**
 * How long a claim on a lab result lasts: longer than one Docus request may take (its
 * timeout) and the short wait for a rate-limit slot, so that a live send is never taken
 * over; after it, the send is presumed dead and the row is due again.
 */
export function sendLeaseSeconds(timeoutMs = getEnv().DOCUS_TIMEOUT_MS): number {
  return Math.ceil(timeoutMs / 1000) + 15;
}

/** The sweep's schedule: every `seconds` (pg-boss takes a six-field cron for seconds). */
export function sweepCron(seconds: number): string {
  if (seconds % 60 === 0) return seconds === 60 ? "* * * * *" : `*/${Math.min(59, seconds / 60)} * * * *`;
  return `*/${seconds} * * * * *`;
}

/** A started pg-boss on the given database, with the portal's queues and the sweep's schedule. */
export async function createBoss(
  target: BossTarget,
  { leaseSeconds = sendLeaseSeconds(), sweepSeconds = getEnv().SEND_SWEEP_SECONDS } = {},
): Promise<PgBoss> {
  const common = {
    schedule: true,
    supervise: true,
    useListenNotify: true,
    cronWorkerIntervalSeconds: Math.min(5, sweepSeconds),
  } as const;
  const boss =
    "pglite" in target
      ? new PgBoss({ db: fromPglite(target.pglite), ...common })
      : new PgBoss({ connectionString: target.connectionString, max: 4, ...common });
  boss.on("error", (error: unknown) => {
    console.error(`[jobs] ${describeError(error)}`);
  });
  await boss.start();
  const submitOptions = {
    notify: true,
    // A job is one send of one lab result. Docus failures schedule a new job with our own
    // backoff; pg-boss's retries cover a handler that threw (the database was briefly
    // away) and a worker that died mid-job (the job expires after the lease and is retried).
    retryLimit: 1000,
    retryDelay: 5,
    retryBackoff: false,
    expireInSeconds: leaseSeconds + 15,
  };
  await boss.createQueue(SUBMIT_QUEUE, submitOptions);
  // A queue created by an older version keeps its options unless they are updated.
  await boss.updateQueue(SUBMIT_QUEUE, submitOptions);
  const feedOptions = { notify: true, retryLimit: 1000, retryDelay: 5, retryBackoff: false, expireInSeconds: 120 };
  await boss.createQueue(HL7_FEED_QUEUE, feedOptions);
  await boss.updateQueue(HL7_FEED_QUEUE, feedOptions);
  const diffOptions = { notify: true, retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 };
  await boss.createQueue(REPORT_DIFF_QUEUE, diffOptions);
  await boss.updateQueue(REPORT_DIFF_QUEUE, diffOptions);
  // A check that threw (the database was briefly away, the worker died) is retried; the
  // check itself never fails on a PDF (an unreadable text is recorded as not checked).
  const textCheckOptions = { notify: true, retryLimit: 1000, retryDelay: 5, retryBackoff: false, expireInSeconds: 120 };
  await boss.createQueue(REPORT_TEXT_CHECK_QUEUE, textCheckOptions);
  await boss.updateQueue(REPORT_TEXT_CHECK_QUEUE, textCheckOptions);
  await boss.createQueue(SWEEP_QUEUE, { retryLimit: 0, expireInSeconds: 120 });
  await boss.schedule(SWEEP_QUEUE, sweepCron(sweepSeconds));
  return boss;
}

async function createProcessBoss(): Promise<PgBoss> {
  const pglite = await getPgliteClient();
  const connectionString = getEnv().DATABASE_URL;
  const boss = await createBoss(pglite ? { pglite } : { connectionString: connectionString ?? "" });
  beforeDbClose(stopJobs);
  // /metrics reads the queues' counts when scraped (see lib/observability/metrics.ts).
  setQueueStatsSource(() => boss.getQueues([SUBMIT_QUEUE, SWEEP_QUEUE]));
  (globalThis as BossCache)[startedKey] = true;
  return boss;
}

type StopHook = () => Promise<void>;
const hooksKey = Symbol.for("lab-portal.boss.stop-hooks");

/**
 * Registers work to do when the process's jobs stop (SIGTERM), after every queue has
 * stopped taking jobs and before pg-boss stops: the send's drain (lib/send/drain.ts) waits
 * for its sends in flight here. Hooks run one after another, in registration order.
 */
export function beforeJobsStop(hook: StopHook): void {
  const cache = globalThis as { [hooksKey]?: StopHook[] };
  const hooks = (cache[hooksKey] ??= []);
  if (!hooks.includes(hook)) hooks.push(hook);
}

/**
 * Graceful shutdown of the jobs (run before the database closes): stop fetching on every
 * queue (the boss itself stays up, so that a send that ends now can still enqueue its retry
 * in the transaction that records it), run the stop hooks, then stop pg-boss. pg-boss
 * fails the jobs it stops waiting for; they are retried.
 */
export async function stopJobs(): Promise<void> {
  const cache = globalThis as BossCache & { [hooksKey]?: StopHook[] };
  const boss = await cache[bossKey]?.catch(() => undefined);
  if (boss) {
    await Promise.all(
      [SUBMIT_QUEUE, SWEEP_QUEUE, HL7_FEED_QUEUE, REPORT_DIFF_QUEUE, REPORT_TEXT_CHECK_QUEUE].map((queue) =>
        boss.offWork(queue, { wait: false }).catch(() => undefined),
      ),
    );
  }
  for (const hook of cache[hooksKey] ?? []) {
    await hook().catch((error: unknown) => {
      console.error(`[jobs] a stop hook failed: ${describeError(error)}`);
    });
  }
  await stopBoss(2_000).catch((error: unknown) => {
    console.error(`[jobs] stopping pg-boss failed: ${error instanceof Error ? error.name : "unknown error"}`);
  });
}

/** The process's pg-boss instance (started on first use). */
export function getBoss(): Promise<PgBoss> {
  const cache = globalThis as BossCache;
  cache[bossKey] ??= createProcessBoss().catch((error: unknown) => {
    delete cache[bossKey];
    throw error;
  });
  return cache[bossKey];
}

/**
 * Whether this process's pg-boss has started (and not been stopped): the readiness check.
 * Never starts it.
 */
export function bossStarted(): boolean {
  return (globalThis as BossCache)[startedKey] === true;
}

/** Stops the process's pg-boss (its workers first, then its connections). */
export async function stopBoss(timeoutMs = 10_000): Promise<void> {
  const cache = globalThis as BossCache;
  const pending = cache[bossKey];
  if (!pending) return;
  delete cache[bossKey];
  cache[startedKey] = false;
  setQueueStatsSource(undefined);
  const boss = await pending.catch(() => undefined);
  await boss?.stop({ graceful: true, timeout: timeoutMs });
}
