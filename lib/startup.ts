import { randomUUID } from "node:crypto";
import { DatabaseLockedError, getDb, getDbKind, setDbApplicationName } from "@/db";
import { migrateDb } from "@/db/migrate";
import { WEB_INSTANCE_PREFIX, countOtherWebInstances } from "@/db/queries/system/instances";
import { demoCredentialsText } from "@/lib/account/demo";
import { seedDemo } from "@/lib/demo/seed";
import { EnvError, getAuthSecret, getEnv, type Env } from "@/lib/env";
import { describeError } from "@/lib/errors";
import { getLogger } from "@/lib/observability/logger";

/**
 * Runs once when the server process starts (from instrumentation.ts): validates the
 * configuration, opens the database, and on the embedded default migrates and seeds it.
 * A PostgreSQL deployment is migrated explicitly with `npm run db:migrate`. Then the job
 * queue starts, and with it (unless RUN_WORKER=0) this instance's send worker.
 */
export async function startServer(): Promise<void> {
  let env;
  try {
    env = getEnv();
    getAuthSecret();
    if (env.embedded && !env.RUN_WORKER) {
      throw new EnvError([
        "RUN_WORKER=0 needs DATABASE_URL (PostgreSQL): on the embedded database no other process can send lab results",
      ]);
    }
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const instanceName = `${WEB_INSTANCE_PREFIX}${randomUUID()}`;
  setDbApplicationName(instanceName);
  try {
    const db = await getDb();
    const kind = await getDbKind();
    if (env.embedded) {
      await migrateDb(db, kind);
      console.log(`Embedded database ready in ${env.PGLITE_DATA_DIR}`);
    }
    const refusal = await sharedKeyRefusal(env, () => countOtherWebInstances(db, instanceName));
    if (refusal) {
      console.error(refusal);
      process.exit(1);
    }
    const seeding = demoSeeding(env);
    if (seeding.seed) {
      const seeded = await seedDemo(db);
      if (seeded.accounts) console.log("Seeded the demo labs and accounts.");
      if (seeded.labResults > 0) console.log(`Seeded ${seeded.labResults} demo lab results.`);
      if (seeded.accounts || env.embedded) console.log(demoCredentialsText({ withTotp: seeding.printTotpSecret }));
    }
    const { getBoss } = await import("@/lib/jobs/boss");
    await getBoss();
    if (env.RUN_WORKER) {
      // Every instance sends lab results and the labs' HL7 feeds: pg-boss shares the queues.
      const { startSubmitWorker } = await import("@/lib/send");
      await startSubmitWorker();
      const { startHl7FeedWorker } = await import("@/lib/exports/mllp-feed");
      await startHl7FeedWorker();
      const { startReportDiffWorker } = await import("@/lib/reports/diff-job");
      await startReportDiffWorker();
      const { startReportTextCheckWorker } = await import("@/lib/reports/text-check");
      await startReportTextCheckWorker();
    }
    getLogger().info(
      { event: "started", worker: env.RUN_WORKER, database: env.embedded ? "embedded" : "postgres" },
      env.RUN_WORKER ? "portal started with its send worker" : "portal started without a send worker (RUN_WORKER=0)",
    );
  } catch (error) {
    // The lock's message names the process holding the embedded database: it is for the
    // person starting the portal. Anything else shows its name and code only.
    console.error(
      `Could not open the database: ${error instanceof DatabaseLockedError ? error.message : describeError(error)}`,
    );
    process.exit(1);
  }
}

/**
 * Whether this start seeds the demo labs, accounts and data: always on the embedded
 * default, and on a DATABASE_URL database only when SEED_DEMO=1. The demo admin's
 * authenticator secret is printed on the embedded default only.
 */
export function demoSeeding(env: Pick<Env, "embedded" | "SEED_DEMO">): { seed: boolean; printTotpSecret: boolean } {
  return { seed: env.embedded || env.SEED_DEMO, printTotpSecret: env.embedded };
}

/**
 * Several web instances must share NEXT_SERVER_ACTIONS_ENCRYPTION_KEY (and the build):
 * a server action's id and its encrypted closure made on one instance must open on
 * another. A production deployment that finds another web instance on its database
 * (where this can be seen: PostgreSQL) refuses to start without the key. Returns the
 * message, or null when the start may go on.
 */
export async function sharedKeyRefusal(
  env: Pick<Env, "productionDeployment" | "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY">,
  countOthers: () => Promise<number>,
): Promise<string | null> {
  if (!env.productionDeployment || env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY) return null;
  const others = await countOthers();
  if (others === 0) return null;
  return `${others} other portal instance(s) run on this database, and NEXT_SERVER_ACTIONS_ENCRYPTION_KEY is not set. Several instances must share one key (and the same build): set NEXT_SERVER_ACTIONS_ENCRYPTION_KEY (try: openssl rand -base64 32) on every instance.`;
}
