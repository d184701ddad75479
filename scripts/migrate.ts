import { getDb, getDbKind } from "@/db";
import { grantRuntimeRole, migrateAsOwner, migrateDb } from "@/db/migrate";
import { getEnv } from "@/lib/env";
import { UsageError, parseCli, runCli } from "./lib/cli";

const usage = "npm run db:migrate [-- --grant-runtime-role]";

await runCli(usage, async () => {
  const args = parseCli({ "grant-runtime-role": { type: "boolean" } });
  const env = getEnv();
  if (env.MIGRATION_DATABASE_URL) {
    // The owner role changes the schema; the portal's own role (DATABASE_URL) cannot.
    await migrateAsOwner(env.MIGRATION_DATABASE_URL);
    console.log("Migrations applied to PostgreSQL as the migration role.");
    if (args["grant-runtime-role"]) {
      if (!env.DATABASE_URL) throw new UsageError("--grant-runtime-role needs DATABASE_URL (the runtime role's URL)");
      const role = await grantRuntimeRole(env.MIGRATION_DATABASE_URL, env.DATABASE_URL);
      console.log(`The runtime role ${role} has its grants.`);
    }
    return;
  }
  if (args["grant-runtime-role"])
    throw new UsageError("--grant-runtime-role needs MIGRATION_DATABASE_URL (the owner role)");
  const db = await getDb();
  await migrateDb(db, await getDbKind());
  console.log(
    `Migrations applied to ${env.embedded ? `the embedded database in ${env.PGLITE_DATA_DIR}` : "PostgreSQL"}.`,
  );
});
