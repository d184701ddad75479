import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
// db/ imports nothing from lib/ but two leaf modules that import nothing of the portal:
// the one validated configuration (lib/env.ts) and, in db/schema, the vocabulary shared
// with the browser (lib/domain.ts), which components cannot import from db/.
import { getEnv } from "@/lib/env";
import { acquirePgliteLock } from "./pglite-lock";
import { preparedByDefault } from "./prepared-statements";
import * as schema from "./schema";

/**
 * The one database client of the process. postgres.js when DATABASE_URL is set, else an
 * embedded PGlite opened lazily (never at import time: `next build` imports this module).
 * Cached on globalThis so that every bundle of the same process shares it.
 */

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; queries that must join a caller's transaction take `Db | Tx`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

type Handle = {
  db: Db;
  kind: "postgres" | "pglite";
  /** The embedded database's own client (pg-boss runs on it); undefined on PostgreSQL. */
  pglite?: PGlite;
  close: () => Promise<void>;
  ping: () => Promise<void>;
};

// scripts/lib/processes.ts looks for this key: while it is set, this module ends the
// process on SIGTERM/SIGINT (after the beforeDbClose hooks), not the server in front.
const handleKey = Symbol.for("lab-portal.db");
type HandleCache = { [handleKey]?: Promise<Handle> };

export { DatabaseLockedError } from "./pglite-lock";

const applicationNameKey = Symbol.for("lab-portal.db.application-name");

/**
 * Names this process's PostgreSQL connections (`application_name`, seen in
 * pg_stat_activity): set before the database is first opened. A web instance names itself
 * `lab-portal-web:<id>`, so that another one can see it (db/queries/system/instances.ts).
 */
export function setDbApplicationName(name: string): void {
  (globalThis as { [applicationNameKey]?: string })[applicationNameKey] = name;
}

async function openPostgres(url: string): Promise<Handle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const applicationName = (globalThis as { [applicationNameKey]?: string })[applicationNameKey];
  const client = postgres(url, {
    ...(applicationName ? { connection: { application_name: applicationName } } : {}),
    max: 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
  });
  // Every parameterised statement prepared per connection (db/prepared-statements.ts).
  const db = drizzle(preparedByDefault(client), { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    close: () => client.end({ timeout: 5 }),
    ping: async () => {
      await client`select 1`;
    },
  };
}

/** PostgreSQL's start parameters for the embedded database (see openPglite). */
const PGLITE_SHARED_BUFFERS = ["-c", "shared_buffers=16MB"];

/**
 * Creates a new embedded database folder in a short-lived child process. Creating the
 * cluster (PostgreSQL's initdb) touches about 500 MB of PGlite's WebAssembly memory, which
 * can never shrink: done in the portal's own process, a newcomer's first start kept it for
 * good (measured: 501 MB opening a new folder, 162 MB opening an existing one). False when
 * the child could not do it; the portal then creates it itself, as before.
 */
function createPgliteCluster(dataDir: string): Promise<boolean> {
  const code = [
    'const { PGlite } = await import("@electric-sql/pglite");',
    "const [dir, ...params] = process.argv.slice(1);",
    "const db = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, ...params] });",
    "await db.close();",
  ].join("\n");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", code, dataDir, ...PGLITE_SHARED_BUFFERS],
      { cwd: process.cwd(), timeout: 300_000 },
      (error) => resolve(error === null),
    );
  });
}

async function openPglite(dataDir: string): Promise<Handle> {
  const release = await acquirePgliteLock(dataDir);
  try {
    if (dataDir !== "memory://" && !existsSync(path.join(dataDir, "PG_VERSION"))) {
      mkdirSync(dataDir, { recursive: true });
      if (!(await createPgliteCluster(dataDir)))
        console.error("Could not create the embedded database in a child process: creating it in this one.");
    }
    const { PGlite } = await import("@electric-sql/pglite");
    const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
    const { drizzle } = await import("drizzle-orm/pglite");
    const client = await PGlite.create(dataDir === "memory://" ? undefined : dataDir, {
      extensions: { pg_trgm },
      // PostgreSQL's default 128 MB of shared buffers lives in the process's WebAssembly
      // memory. The embedded database is a single-process demo size, and the operating
      // system caches its files anyway: 16 MB saves about 100 MB of resident memory.
      startParams: [...PGlite.defaultStartParams, ...PGLITE_SHARED_BUFFERS],
    });
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      db,
      kind: "pglite",
      pglite: client,
      close: async () => {
        await client.close();
        release();
      },
      ping: async () => {
        await client.query("select 1");
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

const hooksKey = Symbol.for("lab-portal.db.before-close");
type HookCache = { [hooksKey]?: Array<() => Promise<void>> };

/** Work to finish before the database closes at shutdown (e.g. stopping the job worker). */
export function beforeDbClose(hook: () => Promise<void>): void {
  const cache = globalThis as HookCache;
  (cache[hooksKey] ??= []).push(hook);
}

async function open(): Promise<Handle> {
  const env = getEnv();
  const handle = env.DATABASE_URL ? await openPostgres(env.DATABASE_URL) : await openPglite(env.PGLITE_DATA_DIR);
  const shutdown = () => {
    void closeDb().finally(() => process.exit(0));
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
  return handle;
}

function handle(): Promise<Handle> {
  const cache = globalThis as HandleCache;
  if (!cache[handleKey]) {
    cache[handleKey] = open().catch((error: unknown) => {
      delete cache[handleKey];
      throw error;
    });
  }
  return cache[handleKey];
}

/** The process's database (opened on first use). */
export async function getDb(): Promise<Db> {
  return (await handle()).db;
}

export async function getDbKind(): Promise<Handle["kind"]> {
  return (await handle()).kind;
}

/** The embedded PGlite client, or undefined on PostgreSQL. */
export async function getPgliteClient(): Promise<PGlite | undefined> {
  return (await handle()).pglite;
}

/** Round trip to the database; throws when it is unreachable. */
export async function pingDb(): Promise<void> {
  await (await handle()).ping();
}

export async function closeDb(): Promise<void> {
  const hooks = (globalThis as HookCache)[hooksKey]?.splice(0) ?? [];
  for (const hook of hooks) await hook().catch(() => undefined);
  const cache = globalThis as HandleCache;
  const pending = cache[handleKey];
  if (!pending) return;
  delete cache[handleKey];
  const opened = await pending.catch(() => undefined);
  await opened?.close();
}
