import { sql } from "drizzle-orm";
import { fromDrizzle, type PgBoss } from "pg-boss";
import type { Tx } from "@/db";
import { SUBMIT_QUEUE, getBoss, wakeWorkers, type SubmitJob } from "@/lib/jobs/boss";

/**
 * Enqueues a send of one lab result inside the caller's transaction, so that the job
 * exists exactly when the row (or its new state) does.
 */
export async function enqueueSubmission(
  tx: Tx,
  labResultId: string,
  startAfterSeconds: number,
  boss?: PgBoss,
  { takeover = false }: { takeover?: boolean } = {},
): Promise<void> {
  boss ??= await getBoss();
  const data: SubmitJob = takeover ? { labResultId, takeover: true } : { labResultId };
  await boss.send(SUBMIT_QUEUE, data, {
    startAfter: Math.max(0, Math.ceil(startAfterSeconds)),
    db: fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql),
  });
}

/**
 * Wakes this process's send workers when a send set `startAfterSeconds` ahead (a deferral
 * for Docus's rate limit, a retry) is due: pg-boss announces a job when it is inserted, not
 * when a later start comes, so it would be found at the next poll, up to five seconds late
 * (at 10 a minute that was half the rate again). Call it once the job's transaction has
 * committed. Other instances find it by polling, as before; the timer holds no process open.
 */
export function wakeSendWorkersWhenDue(boss: PgBoss | undefined, startAfterSeconds: number): void {
  // A start hours ahead (a late retry) loses nothing to a poll of a few seconds.
  if (!boss || startAfterSeconds > MAX_WAKE_AHEAD_SECONDS) return;
  const delayMs = Math.max(0, Math.ceil(startAfterSeconds)) * 1000 + 50;
  setTimeout(() => wakeWorkers(boss, SUBMIT_QUEUE), delayMs).unref();
}

/** How far ahead a wake-up is set (longer waits are left to pg-boss's polling). */
const MAX_WAKE_AHEAD_SECONDS = 3600;
