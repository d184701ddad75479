import { getDb, getDbKind } from "@/db";
import { migrateAsOwner, migrateDb } from "@/db/migrate";
import { getEnv } from "@/lib/env";
import { runCli } from "./lib/cli";

await runCli("npm run db:migrate", async () => {
  const env = getEnv();
  if (env.MIGRATION_DATABASE_URL) {
    // The owner role changes the schema; the portal's own role (DATABASE_URL) cannot.
    await migrateAsOwner(env.MIGRATION_DATABASE_URL);
    console.log("Migrations applied to PostgreSQL as the migration role.");
    return;
  }
  const db = await getDb();
  await migrateDb(db, await getDbKind());
  console.log(
    `Migrations applied to ${env.embedded ? `the embedded database in ${env.PGLITE_DATA_DIR}` : "PostgreSQL"}.`,
  );
});
