import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { runtimeRoleGrants } from "./migrate";

/**
 * The runtime role of a deployment that migrates with a separate owner role: it may
 * write and read the audit trail, never change, delete or truncate it, nor switch off the
 * append-only triggers (the owner's superuser powers are what the test connection has,
 * so every check runs under SET ROLE).
 */

let t: TestDb;
const role = `portal_runtime_${randomBytes(4).toString("hex")}`;

/** Runs `statement` as the runtime role inside a transaction that is rolled back; the database's error message, or "ok". */
async function asRuntime(statement: string): Promise<string> {
  try {
    await t.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL ROLE ${role}`));
      await tx.execute(sql.raw(statement));
      throw new RolledBack();
    });
  } catch (error) {
    if (error instanceof RolledBack) return "ok";
    // The driver's error (the cause of drizzle's query error) says what the database refused.
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return "ok";
}

class RolledBack extends Error {}

beforeAll(async () => {
  t = await createTestDb();
  await t.db.execute(sql.raw(`CREATE ROLE ${role} NOLOGIN`));
  for (const statement of runtimeRoleGrants(role)) await t.db.execute(sql.raw(statement));
  await t.db.execute(sql`insert into audit_events (action, outcome) values ('test.seed', 'allowed')`);
});

afterAll(async () => {
  if (t) {
    await t.db.execute(sql.raw(`DROP OWNED BY ${role}`)).catch(() => undefined);
    await t.db.execute(sql.raw(`DROP ROLE IF EXISTS ${role}`)).catch(() => undefined);
    await t.close();
  }
});

describe("the runtime role (runtimeRoleGrants)", () => {
  it("may append to and read the audit trail, and work with the portal's other tables", async () => {
    expect(await asRuntime("insert into audit_events (action, outcome) values ('test.runtime', 'allowed')")).toBe("ok");
    expect(await asRuntime("select count(*) from audit_events")).toBe("ok");
    expect(await asRuntime("update labs set name = name where false")).toBe("ok");
    expect(await asRuntime("delete from user_sessions where false")).toBe("ok");
  });

  it("cannot delete, change or truncate audit events: refused by its privileges, before any trigger", async () => {
    expect(await asRuntime("delete from audit_events")).toMatch(/permission denied for table audit_events/);
    expect(await asRuntime("update audit_events set action = 'tampered'")).toMatch(
      /permission denied for table audit_events/,
    );
    expect(await asRuntime("truncate audit_events")).toMatch(/permission denied for table audit_events/);
  });

  it("cannot switch off the append-only triggers or drop the table (not its owner)", async () => {
    expect(await asRuntime("alter table audit_events disable trigger audit_events_no_update_delete")).toMatch(
      /must be owner of table audit_events/,
    );
    expect(await asRuntime("alter table audit_events disable trigger all")).toMatch(
      /must be owner of table audit_events/,
    );
    expect(await asRuntime("drop table audit_events")).toMatch(/must be owner of table audit_events/);
  });

  it("may read which migrations are applied (the readiness check), never change them", async () => {
    expect(await asRuntime("select max(created_at) from drizzle.__drizzle_migrations")).toBe("ok");
    expect(await asRuntime("delete from drizzle.__drizzle_migrations")).toMatch(/permission denied/);
  });

  it("refuses a role name that is not a plain identifier", () => {
    expect(() => runtimeRoleGrants("portal; drop table users")).toThrow();
  });
});
