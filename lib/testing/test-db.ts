import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Db } from "@/db";
import { migrateDb } from "@/db/migrate";
import { preparedByDefault } from "@/db/prepared-statements";
import type { BossTarget } from "@/lib/jobs/boss";
import * as schema from "@/db/schema";
import { parseEnv } from "@/lib/env";

export type TestDb = {
  db: Db;
  kind: "postgres" | "pglite";
  /** Where a pg-boss for this database connects. */
  bossTarget: BossTarget;
  /** For child processes (CLIs): the environment that points them at this database. */
  env: Record<string, string>;
  close: () => Promise<void>;
};

/** Replaces the database name of a postgres URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Makes a migrated template database (vitest's global setup calls it once per run); returns
 * its cleanup. PostgreSQL: a database `name` next to baseUrl's; PGlite: the folder dataDir.
 */
export async function migratedTemplate(
  target: { kind: "postgres"; baseUrl: string; name: string } | { kind: "pglite"; dataDir: string },
): Promise<() => Promise<void>> {
  if (target.kind === "postgres") {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const admin = postgres(target.baseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${target.name}`);
    const client = postgres(withDatabase(target.baseUrl, target.name), { max: 1, onnotice: () => {} });
    await migrateDb(drizzle(client, { schema }) as unknown as Db, "postgres");
    // A template may have no open connection while it is copied.
    await client.end({ timeout: 5 });
    return async () => {
      await admin.unsafe(`drop database if exists ${target.name} with (force)`);
      await admin.end({ timeout: 5 });
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { drizzle } = await import("drizzle-orm/pglite");
  const client = await PGlite.create(target.dataDir, { extensions: { pg_trgm } });
  await migrateDb(drizzle(client, { schema }) as unknown as Db, "pglite");
  await client.close();
  return async () => rmSync(target.dataDir, { recursive: true, force: true });
}

/** The run's migrated template (set by lib/testing/global-setup.ts), if there is one. */
function template(): string | undefined {
  return process.env.TEST_DB_TEMPLATE || undefined;
}

/**
 * A fresh, migrated database for one test file: a new PostgreSQL database next to
 * DATABASE_URL's (dropped afterwards), or an embedded PGlite in a temporary folder when
 * DATABASE_URL is unset. A copy of the run's template when there is one, else migrated here.
 */
export async function createTestDb(): Promise<TestDb> {
  const baseUrl = parseEnv(process.env).DATABASE_URL;
  if (baseUrl) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const name = `test_${randomBytes(6).toString("hex")}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    const from = template();
    await admin.unsafe(from ? `create database ${name} template ${from}` : `create database ${name}`);
    const url = withDatabase(baseUrl, name);
    const client = postgres(url, { max: 5, onnotice: () => {} });
    // Prepared statements, as the portal's own client (db/index.ts).
    const db = drizzle(preparedByDefault(client), { schema }) as unknown as Db;
    if (!from) await migrateDb(db, "postgres");
    return {
      db,
      kind: "postgres",
      bossTarget: { connectionString: url },
      env: { DATABASE_URL: url },
      close: async () => {
        await client.end({ timeout: 5 });
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end({ timeout: 5 });
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dir = mkdtempSync(path.join(tmpdir(), "lab-portal-test-"));
  const dataDir = path.join(dir, "pglite");
  const from = template();
  if (from && existsSync(from)) cpSync(from, dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  const db = drizzle(client, { schema }) as unknown as Db;
  if (!from || !existsSync(from)) await migrateDb(db, "pglite");
  return {
    db,
    kind: "pglite",
    bossTarget: { pglite: client },
    env: { DATABASE_URL: "", PGLITE_DATA_DIR: dataDir },
    // The PGlite handle must be closed before a child process may open the same folder.
    close: async () => {
      if (!client.closed) await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
