import path from "node:path";
import type { Db } from "./index";

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

/** Applies the committed drizzle migrations (each once, in order, in a transaction). */
export async function migrateDb(db: Db, kind: "postgres" | "pglite"): Promise<void> {
  if (kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(db as unknown as Parameters<typeof migrate>[0], { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(db as unknown as Parameters<typeof migrate>[0], { migrationsFolder });
  }
}
