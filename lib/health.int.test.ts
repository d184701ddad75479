import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pendingMigrations } from "@/db/migrate";
import { WEB_INSTANCE_PREFIX, countOtherWebInstances } from "@/db/queries/system/instances";
import { parseEnv } from "@/lib/env";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { checkReadiness } from "./health";

/**
 * Readiness against real databases: a migrated one, one whose newest migration is
 * missing, an unreachable server, and a queue that has not started.
 */

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

const ping = async () => {
  await t.db.execute(sql`select 1`);
};

describe("readiness on a real database", () => {
  it("finds the migrations current on a migrated database, and counts the one that is missing", async () => {
    expect(await pendingMigrations(t.db)).toBe(0);
    await t.db
      .transaction(async (tx) => {
        await tx.execute(
          sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`,
        );
        expect(await pendingMigrations(tx as unknown as typeof t.db)).toBe(1);
        const readiness = await checkReadiness({
          // Inside the transaction (the embedded database has one connection).
          ping: async () => {
            await tx.execute(sql`select 1`);
          },
          pending: () => pendingMigrations(tx as unknown as typeof t.db),
          queueStarted: () => true,
        });
        expect(readiness).toMatchObject({ ready: false, failing: "migrations" });
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Error) || !/rollback/i.test(error.message)) throw error;
      });
    expect(await pendingMigrations(t.db)).toBe(0);
  });

  it("answers 'database' within its timeout when the database server cannot be reached", async () => {
    const unreachable = postgres("postgres://portal:portal@127.0.0.1:1/none", { max: 1, connect_timeout: 5 });
    try {
      const started = Date.now();
      const readiness = await checkReadiness({
        ping: async () => {
          await unreachable`select 1`;
        },
        pending: () => pendingMigrations(t.db),
        queueStarted: () => true,
      });
      expect(readiness).toMatchObject({ ready: false, failing: "database" });
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await unreachable.end({ timeout: 1 });
    }
  });

  it("answers 'queue' until the process's queue has started", async () => {
    const deps = { ping, pending: () => pendingMigrations(t.db) };
    // This test process never started its queue (getBoss): the real check says so.
    expect(await checkReadiness(deps)).toMatchObject({
      ready: false,
      failing: "queue",
      checks: { database: "ok", migrations: "ok" },
    });
    expect(await checkReadiness({ ...deps, queueStarted: () => true })).toMatchObject({ ready: true });
  });
});

describe("other web instances on the database", () => {
  it.skipIf(!parseEnv(process.env).DATABASE_URL)(
    "are seen by their connections' application_name (PostgreSQL)",
    async () => {
      const url = t.env.DATABASE_URL!;
      const other = postgres(url, { max: 1, connection: { application_name: `${WEB_INSTANCE_PREFIX}other` } });
      const worker = postgres(url, { max: 1, connection: { application_name: "lab-portal-worker:w1" } });
      try {
        await other`select 1`;
        await worker`select 1`;
        expect(await countOtherWebInstances(t.db, `${WEB_INSTANCE_PREFIX}me`)).toBe(1);
        expect(await countOtherWebInstances(t.db, `${WEB_INSTANCE_PREFIX}other`)).toBe(0);
      } finally {
        await other.end({ timeout: 1 });
        await worker.end({ timeout: 1 });
      }
      expect(await countOtherWebInstances(t.db, `${WEB_INSTANCE_PREFIX}me`)).toBe(0);
    },
  );
});
