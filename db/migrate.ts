import { readFile } from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
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

/**
 * How many committed migrations the database has not applied yet (0: current). drizzle's
 * migrator applies, in order, every migration newer than the newest one recorded in
 * drizzle.__drizzle_migrations (by its journal time), so the same comparison says what
 * it would still apply. A database never migrated has every migration pending.
 */
export async function pendingMigrations(db: Db): Promise<number> {
  const journal = JSON.parse(await readFile(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: Array<{ when: number }>;
  };
  const exists = await db.execute<{ present: boolean }>(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!rowsOf<{ present: boolean }>(exists)[0]?.present) return journal.entries.length;
  const latest = await db.execute<{ latest: string | number | null }>(
    sql`select max(created_at) as latest from drizzle.__drizzle_migrations`,
  );
  const applied = Number(rowsOf<{ latest: string | number | null }>(latest)[0]?.latest ?? 0);
  return journal.entries.filter((entry) => entry.when > applied).length;
}

/** postgres.js returns the rows as the result; PGlite as its `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
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
 * As the owner role of `ownerUrl`: creates the role of `runtimeUrl` when it does not
 * exist yet (LOGIN, with the URL's password) and grants it runtimeRoleGrants. For a
 * container deployment's one-shot migrate step; the statements are those of docs/security.md.
 */
export async function grantRuntimeRole(ownerUrl: string, runtimeUrl: string): Promise<string> {
  const runtime = new URL(runtimeUrl);
  const role = decodeURIComponent(runtime.username);
  const password = decodeURIComponent(runtime.password);
  const statements = runtimeRoleGrants(role);
  if (role === decodeURIComponent(new URL(ownerUrl).username)) throw new Error("DATABASE_URL's role is the owner role");
  const { default: postgres } = await import("postgres");
  const client = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const [existing] = await client`select 1 as found from pg_roles where rolname = ${role}`;
    if (!existing) {
      const literal = password ? ` PASSWORD '${password.replaceAll("'", "''")}'` : "";
      await client.unsafe(`CREATE ROLE ${role} LOGIN${literal}`);
    }
    for (const statement of statements) await client.unsafe(statement);
  } finally {
    await client.end({ timeout: 5 });
  }
  return role;
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
    // The readiness check reads which migrations are applied (never changes them).
    `GRANT USAGE ON SCHEMA drizzle TO ${role}`,
    `GRANT SELECT ON drizzle.__drizzle_migrations TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
  ];
}
