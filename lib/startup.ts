import { getDb, getDbKind } from "@/db";
import { migrateDb } from "@/db/migrate";
import { demoCredentialsText, seedDemo } from "@/lib/demo";
import { EnvError, getAuthSecret, getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";

/**
 * Runs once when the server process starts (from instrumentation.ts): validates the
 * configuration, opens the database, and on the embedded default migrates and seeds it.
 * A PostgreSQL deployment is migrated explicitly with `npm run db:migrate`.
 */
export async function startServer(): Promise<void> {
  let env;
  try {
    env = getEnv();
    getAuthSecret();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  try {
    const db = await getDb();
    const kind = await getDbKind();
    if (env.embedded) {
      await migrateDb(db, kind);
      console.log(`Embedded database ready in ${env.PGLITE_DATA_DIR}`);
    }
    if (env.embedded || env.SEED_DEMO) {
      const seeded = await seedDemo(db);
      if (seeded) console.log("Seeded the demo labs and accounts.");
      if (seeded || env.embedded) console.log(demoCredentialsText());
    }
    // Every instance sends lab results: pg-boss shares the queue between them.
    const { startSubmitWorker } = await import("@/lib/jobs/worker");
    await startSubmitWorker();
    const { startHl7FeedWorker } = await import("@/lib/exports/mllp-feed");
    await startHl7FeedWorker();
  } catch (error) {
    console.error(`Could not open the database: ${describeError(error)}`);
    process.exit(1);
  }
}
