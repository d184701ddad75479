import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "./migrate";

/**
 * Migration 0010 (roles per lab) on data written by the schema before it: each membership
 * takes its user's former role, operators keep their platform role. The migrations run on
 * an embedded PGlite, first up to 0009 (a copy of the folder with the journal cut there),
 * then the rest from the real folder, as a deployment upgrading would.
 */

type Journal = { entries: { idx: number; tag: string }[] };

let dir: string;
let client: import("@electric-sql/pglite").PGlite;

async function migrateFrom(folder: string) {
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  await migrate(drizzle(client), { migrationsFolder: folder });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "lab-portal-migrations-"));
  const upTo0009 = path.join(dir, "migrations");
  cpSync(migrationsFolder, upTo0009, { recursive: true });
  const journalPath = path.join(upTo0009, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as Journal;
  expect(journal.entries.some((e) => e.tag === "0010_roles_per_lab")).toBe(true);
  journal.entries = journal.entries.filter((e) => e.idx <= 9);
  writeFileSync(journalPath, JSON.stringify(journal));
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  client = await PGlite.create(path.join(dir, "pglite"), { extensions: { pg_trgm } });
  await migrateFrom(upTo0009);
});

afterAll(async () => {
  if (client && !client.closed) await client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("migration 0010: roles per lab", () => {
  it("copies each user's role into their memberships and keeps operators operators", async () => {
    const { rows: labRows } = await client.query<{ id: string }>(
      `insert into labs (name, partner_lab_id) values ('Alpha', 'alpha'), ('Beta', 'beta') returning id`,
    );
    const [alpha, beta] = labRows.map((r) => r.id);
    const people = [
      { email: "op@m.test", role: "operator", labs: [] },
      { email: "op-member@m.test", role: "operator", labs: [alpha] },
      { email: "admin@m.test", role: "admin", labs: [alpha, beta] },
      { email: "tech@m.test", role: "technician", labs: [alpha, beta] },
      { email: "doc@m.test", role: "doctor", labs: [beta] },
    ];
    for (const p of people) {
      const { rows } = await client.query<{ id: string }>(
        `insert into users (email, name, password_hash, role) values ($1, $1, 'x', $2) returning id`,
        [p.email, p.role],
      );
      for (const labId of p.labs)
        await client.query(`insert into lab_memberships (user_id, lab_id) values ($1, $2)`, [rows[0]!.id, labId]);
    }

    await migrateFrom(migrationsFolder);

    const { rows: users } = await client.query<{ email: string; is_operator: boolean }>(
      `select email, is_operator from users order by email`,
    );
    expect(users.filter((u) => u.is_operator).map((u) => u.email)).toEqual(["op-member@m.test", "op@m.test"]);
    const { rows: memberships } = await client.query<{ email: string; lab: string; role: string }>(
      `select u.email, l.name as lab, m.role::text as role
         from lab_memberships m join users u on u.id = m.user_id join labs l on l.id = m.lab_id
        order by u.email, l.name`,
    );
    expect(memberships).toEqual([
      { email: "admin@m.test", lab: "Alpha", role: "admin" },
      { email: "admin@m.test", lab: "Beta", role: "admin" },
      { email: "doc@m.test", lab: "Beta", role: "doctor" },
      // An operator's membership gives nothing an operator did not have: it becomes admin.
      { email: "op-member@m.test", lab: "Alpha", role: "admin" },
      { email: "tech@m.test", lab: "Alpha", role: "technician" },
      { email: "tech@m.test", lab: "Beta", role: "technician" },
    ]);
    // The old column is gone, and a membership without a role is refused.
    const { rows: columns } = await client.query(
      `select 1 from information_schema.columns where table_name = 'users' and column_name = 'role'`,
    );
    expect(columns).toEqual([]);
    const { rows: docRow } = await client.query<{ id: string }>(`select id from users where email = 'doc@m.test'`);
    await expect(
      client.query(`insert into lab_memberships (user_id, lab_id) values ($1, $2)`, [docRow[0]!.id, alpha]),
    ).rejects.toThrow(/null value in column "role"/);
  });
});
