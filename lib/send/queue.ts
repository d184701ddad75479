import { sql } from "drizzle-orm";
import { fromDrizzle, type PgBoss } from "pg-boss";
import type { Tx } from "@/db";
import { SUBMIT_QUEUE, getBoss, type SubmitJob } from "@/lib/jobs/boss";

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
