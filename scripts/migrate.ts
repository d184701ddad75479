import { getDb, getDbKind } from "@/db";
import { migrateDb } from "@/db/migrate";
import { getEnv } from "@/lib/env";
import { runCli } from "./lib/cli";

await runCli("npm run db:migrate", async () => {
  const env = getEnv();
  const db = await getDb();
  await migrateDb(db, await getDbKind());
  console.log(`Migrations applied to ${env.embedded ? `the embedded database in ${env.PGLITE_DATA_DIR}` : "PostgreSQL"}.`);
});
