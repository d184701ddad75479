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

describe("migration 0015: the first send and first opening kept on the row", () => {
  let before: import("@electric-sql/pglite").PGlite;
  let folder: string;

  beforeAll(async () => {
    folder = path.join(dir, "migrations-0014");
    cpSync(migrationsFolder, folder, { recursive: true });
    const journalPath = path.join(folder, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as Journal;
    journal.entries = journal.entries.filter((e) => e.idx <= 14);
    writeFileSync(journalPath, JSON.stringify(journal));
    const { PGlite } = await import("@electric-sql/pglite");
    const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
    before = await PGlite.create({ extensions: { pg_trgm } });
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(drizzle(before), { migrationsFolder: folder });
  });

  afterAll(async () => {
    if (before && !before.closed) await before.close();
  });

  it("fills them from the history already there, and keeps them equal to it afterwards", async () => {
    const one = async <T>(query: string, params: unknown[] = []) => (await before.query<T>(query, params)).rows[0]!;
    const lab = await one<{ id: string }>(
      `insert into labs (name, partner_lab_id) values ('Gamma', 'gamma') returning id`,
    );
    const users = (
      await before.query<{ id: string }>(
        `insert into users (email, name, password_hash) values ('a@m.test', 'A', 'x'), ('b@m.test', 'B', 'x') returning id`,
      )
    ).rows.map((r) => r.id);
    const patient = await one<{ id: string }>(
      `insert into patients (lab_id, patient_id, given_name, family_name) values ($1, 'P-1', 'Ada', 'Test') returning id`,
      [lab.id],
    );
    const doc = await one<{ id: string }>(
      `insert into documents (lab_id, bytes, sha256, size_bytes, mime_type, file_name) values ($1, '\\x00', 's', 1, 'application/pdf', 'r.pdf') returning id`,
      [lab.id],
    );
    const result = await one<{ id: string }>(
      `insert into lab_results (lab_id, patient_id, document_id, accession_number, mode, status) values ($1, $2, $3, 'A-1', 'interpret', 'report_ready') returning id`,
      [lab.id, patient.id, doc.id],
    );
    await before.query(
      `insert into submission_attempts (lab_result_id, attempt, started_at) values ($1, 1, '2026-12-01T10:00:00Z'), ($1, 2, '2026-12-01T11:00:00Z')`,
      [result.id],
    );
    const report = await one<{ id: string }>(
      `insert into interpretation_reports (lab_id, patient_id, lab_result_id, match_state, delivered_patient_id, document_id, idempotency_key, received_at)
       values ($1, $2, $3, 'matched', 'P-1', $4, 'k-1', '2026-12-02T10:00:00Z') returning id`,
      [lab.id, patient.id, result.id, doc.id],
    );
    await before.query(
      `insert into report_read_marks (user_id, report_id, first_read_at) values ($1, $3, '2026-12-03T09:00:00Z'), ($2, $3, '2026-12-02T12:00:00Z')`,
      [users[0], users[1], report.id],
    );

    await migrate(before, migrationsFolder);
    const moments = () =>
      one<{ sent: string | null; opened: string | null }>(
        `select (select first_sent_at from lab_results where id = $1)::text as sent,
                (select first_opened_at from interpretation_reports where id = $2)::text as opened`,
        [result.id, report.id],
      );
    expect(await moments()).toEqual({ sent: "2026-12-01 10:00:00+00", opened: "2026-12-02 12:00:00+00" });

    // The earliest reader leaves (their marks go with them): the next one is the first opening.
    await before.query(`delete from users where id = $1`, [users[1]]);
    expect((await moments()).opened).toBe("2026-12-03 09:00:00+00");
    await before.query(`delete from report_read_marks where report_id = $1`, [report.id]);
    expect((await moments()).opened).toBeNull();
    // A first attempt's start corrected, then the first attempt gone: the history decides.
    await before.query(`update submission_attempts set started_at = '2026-12-01T09:30:00Z' where attempt = 1`);
    expect((await moments()).sent).toBe("2026-12-01 09:30:00+00");
    await before.query(`delete from submission_attempts where attempt = 1`);
    expect((await moments()).sent).toBeNull();
  });
});

async function migrate(client: import("@electric-sql/pglite").PGlite, folder: string) {
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate: run } = await import("drizzle-orm/pglite/migrator");
  await run(drizzle(client), { migrationsFolder: folder });
}
