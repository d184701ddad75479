import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { labs } from "./schema";
import type { Tx } from "./index";

/**
 * db/prepared-statements.ts, against PostgreSQL: drizzle's statements run as prepared
 * statements of their connection (pg_prepared_statements lists what the session
 * prepared), in a transaction and in a nested one, and keep working when a schema change
 * invalidates a prepared plan (a migration while instances run). The embedded database
 * has no such client: skipped there.
 */

let t: TestDb;
const onPostgres = Boolean(process.env.DATABASE_URL);

/** The session's prepared statements whose text contains `fragment`, with how often each ran. */
async function preparedLike(tx: Tx, fragment: string): Promise<{ statement: string; runs: number }[]> {
  // postgres.js (this file runs on PostgreSQL only) returns the rows as the result.
  return (await tx.execute(
    sql`select statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements where statement like ${`%${fragment}%`} and statement not like '%pg_prepared_statements%'`,
  )) as unknown as { statement: string; runs: number }[];
}

describe.skipIf(!onPostgres)("prepared statements (PostgreSQL)", () => {
  beforeAll(async () => {
    t = await createTestDb();
  });

  afterAll(async () => {
    await t?.close();
  });

  it("prepares a parameterised drizzle statement once per connection and runs it from there", async () => {
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < 7; i++) {
        await tx
          .select({ id: labs.id })
          .from(labs)
          .where(eq(labs.partnerLabId, `partner-${i}`));
      }
      const prepared = await preparedLike(tx, `"partner_lab_id" = $1`);
      expect(prepared).toHaveLength(1);
      // All seven executions went through the one prepared statement: parsed once.
      expect(prepared[0]?.runs).toBe(7);
    });
  });

  it("prepares inside a nested transaction (a savepoint) too", async () => {
    await t.db.transaction(async (tx) => {
      await tx.transaction(async (nested) => {
        await nested.select({ id: labs.id }).from(labs).where(eq(labs.name, "nested"));
        await nested.select({ id: labs.id }).from(labs).where(eq(labs.name, "nested again"));
      });
      const prepared = await preparedLike(tx, `"name" = $1`);
      expect(prepared.map((row) => row.runs)).toEqual([2]);
    });
  });

  it("keeps a statement without parameters a simple query (nothing prepared)", async () => {
    await t.db.transaction(async (tx) => {
      await tx.execute(sql.raw("select count(*) from labs where name <> 'simple-query-marker'"));
      expect(await preparedLike(tx, "simple-query-marker")).toEqual([]);
    });
  });

  it("answers from the changed table after a schema change invalidated the prepared plan", async () => {
    await t.db.execute(sql`create table prepared_probe (id int primary key, label text)`);
    await t.db.execute(sql`insert into prepared_probe values (1, 'one')`);
    const read = async () =>
      (await t.db.execute(sql`select * from prepared_probe where id = ${1}`)) as unknown as Record<string, unknown>[];
    // Every pooled connection prepares it (the pool has up to five).
    for (let i = 0; i < 10; i++) expect(await read()).toEqual([{ id: 1, label: "one" }]);
    // A migration adds a column: `select *` now has another result type.
    await t.db.execute(sql`alter table prepared_probe add column note text default 'added'`);
    for (let i = 0; i < 10; i++) {
      expect(await read()).toEqual([{ id: 1, label: "one", note: "added" }]);
    }
  });
});
