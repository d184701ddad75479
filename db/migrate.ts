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

/** Applies the migrations as the owner role of MIGRATION_DATABASE_URL, on a connection of its own. */
export async function migrateAsOwner(url: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrateDb(drizzle(client) as unknown as Db, "postgres");
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * What the portal's runtime role (DATABASE_URL) is granted when migrations run as a
 * separate owner role (MIGRATION_DATABASE_URL): data access, but on the audit trail only
 * INSERT and SELECT. Not being the owner, it cannot ALTER TABLE (so it cannot disable the
 * append-only triggers), drop or truncate anything. CREATE on the database is for
 * pg-boss, which keeps its queue in a schema of its own. Run these as the owner role.
 */
export function runtimeRoleGrants(role: string): string[] {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error("the role name must be a lower-case SQL identifier");
  return [
    `DO $$ BEGIN EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO ${role}', current_database()); END $$`,
    `GRANT USAGE ON SCHEMA public TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
  ];
}
