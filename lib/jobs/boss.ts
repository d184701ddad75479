import { sql } from "drizzle-orm";
import type { PGlite } from "@electric-sql/pglite";
import { PgBoss, fromDrizzle, fromPglite } from "pg-boss";
import { beforeDbClose, getPgliteClient, type Tx } from "@/db";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";

/**
 * Durable jobs on the portal's own database (pg-boss): PostgreSQL, or the embedded
 * PGlite through pg-boss's adapter. Job payloads carry ids only, never document bytes
 * or credentials.
 */

export const SUBMIT_QUEUE = "lab-result-submit";

export type SubmitJob = { labResultId: string };

const bossKey = Symbol.for("lab-portal.boss");
type BossCache = { [bossKey]?: Promise<PgBoss> };

export type BossTarget = { pglite: PGlite } | { connectionString: string };

/** A started pg-boss on the given database, with the portal's queues created. */
export async function createBoss(target: BossTarget): Promise<PgBoss> {
  const boss =
    "pglite" in target
      ? new PgBoss({ db: fromPglite(target.pglite), schedule: false, supervise: true })
      : new PgBoss({ connectionString: target.connectionString, max: 4, schedule: false, supervise: true });
  boss.on("error", (error: unknown) => {
    console.error(`[jobs] ${describeError(error)}`);
  });
  await boss.start();
  await boss.createQueue(SUBMIT_QUEUE, {
    // A job is one send attempt. Transient Docus failures schedule a new job with our
    // own backoff; pg-boss's retries only cover a worker that died mid-job.
    retryLimit: 5,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 120,
  });
  return boss;
}

async function createProcessBoss(): Promise<PgBoss> {
  const pglite = await getPgliteClient();
  const connectionString = getEnv().DATABASE_URL;
  const boss = await createBoss(pglite ? { pglite } : { connectionString: connectionString ?? "" });
  beforeDbClose(stopBoss);
  return boss;
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

export async function stopBoss(): Promise<void> {
  const cache = globalThis as BossCache;
  const pending = cache[bossKey];
  if (!pending) return;
  delete cache[bossKey];
  const boss = await pending.catch(() => undefined);
  await boss?.stop({ graceful: true, timeout: 10_000 });
}

/**
 * Enqueues a send of one lab result inside the caller's transaction, so that the job
 * exists exactly when the row does.
 */
export async function enqueueSubmission(tx: Tx, labResultId: string, startAfterSeconds: number, boss?: PgBoss): Promise<void> {
  boss ??= await getBoss();
  const data: SubmitJob = { labResultId };
  await boss.send(SUBMIT_QUEUE, data, {
    startAfter: Math.max(0, Math.ceil(startAfterSeconds)),
    db: fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql),
  });
}
