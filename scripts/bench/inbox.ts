import { performance } from "node:perf_hooks";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "@/db";
import { migrateDb } from "@/db/migrate";
import { listInbox, type InboxAssignee } from "@/db/queries/inbox";
import type { QueryScope } from "@/db/queries/scope";
import * as schema from "@/db/schema";
import { EnvError, parseEnv } from "@/lib/env";
import { SetupError, freshPostgresDatabase, positiveInt, runBenchmark } from "./lib/harness";
import { describeMachine, loadAverage, loadAverageNote, percentile, ratio, table, verdict } from "./lib/report";

/**
 * `npm run bench:inbox [-- --smoke]`: seeds a fresh PostgreSQL database with one lab of
 * 100,000 interpretation reports (one per lab result), of which 5,000 await sign-off, plus
 * a second lab, all with set-based SQL (generate_series), then measures the doctors'
 * inbox as /inbox opens it (db/queries/inbox listInbox: the first 100 rows and the
 * count, for a doctor of the lab) against a plain hand-written SQL baseline doing the
 * same work on the same indexes, in the same run, and prints p50/p95 and their ratio.
 * The aim (p95 at most 50 ms) is reported, never enforced. `--smoke`: 2,000 reports, 100
 * awaiting, a few iterations.
 *
 * Environment: DATABASE_URL (required; works in its own database `<database>_inbox_bench`,
 * dropped afterwards unless BENCH_KEEP=1), BENCH_OPS (timed calls per measure, default
 * 400), BENCH_WARMUP (default 40).
 */

const AIM_P95_MS = 50;
const PAGE = 100;
const DOCTORS = 20;

const smoke = process.argv.includes("--smoke");
const sizes = smoke
  ? { reports: 2_000, awaiting: 100, labBReports: 200 }
  : { reports: 100_000, awaiting: 5_000, labBReports: 10_000 };

const log = (line = "") => console.log(line);

type Seeded = { labA: string; labB: string; doctors: string[] };

async function seed(sql: postgres.Sql): Promise<{ seeded: Seeded; steps: [string, number][] }> {
  const steps: [string, number][] = [];
  const step = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const value = await work();
    steps.push([label, performance.now() - start]);
    return value;
  };
  await sql.unsafe("select setseed(0.42)");
  const [labA] = await sql<
    { id: string }[]
  >`insert into labs (name, partner_lab_id) values ('Bench lab A', 'bench-a') returning id`;
  const [labB] = await sql<
    { id: string }[]
  >`insert into labs (name, partner_lab_id) values ('Bench lab B', 'bench-b') returning id`;
  const labs = [
    { id: labA!.id, reports: sizes.reports, awaiting: sizes.awaiting, tag: "a" },
    { id: labB!.id, reports: sizes.labBReports, awaiting: Math.ceil(sizes.labBReports / 20), tag: "b" },
  ];
  const doctors: string[] = [];
  await step("doctors, patients, documents", async () => {
    for (const lab of labs) {
      const rows = await sql<{ id: string }[]>`
        insert into users (email, name, password_hash)
        select 'doctor' || i || '@' || ${lab.tag} || '.bench', 'Doctor ' || i, 'x' from generate_series(1, ${DOCTORS}) i
        returning id`;
      await sql`insert into lab_memberships (user_id, lab_id, role) select unnest(${rows.map((r) => r.id)}::uuid[]), ${lab.id}, 'doctor'`;
      if (lab.id === labA!.id) doctors.push(...rows.map((r) => r.id));
      await sql`
        insert into patients (lab_id, patient_id, given_name, family_name, birth_date, sex)
        select ${lab.id}, 'P-' || i, 'Given' || (i % 997), 'Family' || (i % 4999), date '1950-01-01' + (i % 20000), 'unknown'
        from generate_series(1, ${Math.ceil(lab.reports / 3)}) i`;
      await sql`
        insert into documents (lab_id, bytes, sha256, size_bytes, mime_type, file_name)
        values (${lab.id}, '\\x25504446'::bytea, 'bench', 4, 'application/pdf', 'bench.pdf')`;
    }
  });
  await step("lab results (flags: 2% critical, 10% abnormal, 40% normal)", async () => {
    for (const lab of labs) {
      // Patients are numbered 1..n in insertion order; each result goes to patient (i mod n) + 1.
      await sql`
        insert into lab_results (lab_id, patient_id, document_id, accession_number, mode, status, flag, created_at)
        select ${lab.id}, p.id, d.id, 'ACC-' || g.i, 'interpret', 'report_ready',
          (case when g.r < 0.02 then 'critical' when g.r < 0.12 then 'abnormal' when g.r < 0.52 then 'normal' end)::lab_result_flag,
          now() - (g.i * interval '5 minutes')
        from (select i, random() as r from generate_series(1, ${lab.reports}) i) g
        join (select id, row_number() over (order by created_at, id) as n from patients where lab_id = ${lab.id}) p
          on p.n = 1 + g.i % ${Math.ceil(lab.reports / 3)}
        cross join (select id from documents where lab_id = ${lab.id} limit 1) d`;
    }
  });
  await step("interpretation reports", async () => {
    for (const lab of labs) {
      await sql`
        insert into interpretation_reports (lab_id, patient_id, lab_result_id, match_state, reference_id, delivered_patient_id,
          document_id, version, idempotency_key, received_at)
        select lr.lab_id, lr.patient_id, lr.id, 'matched', lr.accession_number, 'P', lr.document_id, 1,
          'bench:' || lr.id, lr.created_at + interval '1 hour'
        from lab_results lr where lr.lab_id = ${lab.id}`;
    }
  });
  await step("inbox entries (awaiting chosen at random, 20% unassigned) and sign-offs", async () => {
    for (const lab of labs) {
      await sql`
        insert into report_inbox_entries (report_id, lab_id, lab_result_id, version, flag, received_at, owner_id, assigned_at, awaiting_sign_off)
        select r.id, r.lab_id, r.lab_result_id, 1, lr.flag, r.received_at,
          case when random() < 0.2 then null else (select array_agg(user_id) from lab_memberships where lab_id = ${lab.id})[1 + floor(random() * ${DOCTORS})::int] end,
          r.received_at, false
        from interpretation_reports r join lab_results lr on lr.id = r.lab_result_id where r.lab_id = ${lab.id}`;
      await sql`
        update report_inbox_entries set awaiting_sign_off = true
        where report_id in (select report_id from report_inbox_entries where lab_id = ${lab.id} order by random() limit ${lab.awaiting})`;
      await sql`
        insert into report_sign_offs (report_id, lab_id, signed_off_by, signed_off_at)
        select report_id, lab_id, owner_id, received_at + interval '2 hours'
        from report_inbox_entries where lab_id = ${lab.id} and not awaiting_sign_off`;
      await sql`
        insert into report_inbox_copies (lab_result_id, user_id, lab_id)
        select e.lab_result_id, m.user_id, e.lab_id
        from (select * from report_inbox_entries where lab_id = ${lab.id} and awaiting_sign_off order by random() limit ${Math.ceil(lab.awaiting / 10)}) e
        cross join lateral (select user_id from lab_memberships where lab_id = ${lab.id} order by random() limit 1) m
        on conflict do nothing`;
    }
  });
  await step("analyze", () => sql`analyze`);
  return { seeded: { labA: labA!.id, labB: labB!.id, doctors }, steps };
}

/** The same work as listInbox, written by hand: the page of rows and the count, on the same indexes. */
async function baselineInbox(
  sql: postgres.Sql,
  labId: string,
  userId: string,
  assignee: InboxAssignee,
): Promise<number> {
  const mine = `(e.owner_id = $2 or exists (select 1 from report_inbox_copies c where c.lab_result_id = e.lab_result_id and c.user_id = $2))`;
  const who =
    assignee === "for_me"
      ? `and (e.owner_id is null or ${mine})`
      : assignee === "mine"
        ? `and ${mine}`
        : assignee === "unassigned"
          ? "and e.owner_id is null"
          : "";
  const where = `where e.lab_id = $1 and $2::uuid is not null and e.awaiting_sign_off ${who}`;
  const [rows, count] = await Promise.all([
    sql.unsafe(
      `select e.report_id, e.lab_result_id, e.version, e.received_at, e.flag, lr.accession_number, p.family_name, p.given_name,
         p.patient_id, e.owner_id, u.name,
         exists (select 1 from report_inbox_copies c where c.lab_result_id = e.lab_result_id and c.user_id = $2) as copied,
         exists (select 1 from report_read_marks m where m.report_id = e.report_id and m.user_id = e.owner_id) as viewed,
         e.follow_up_note
       from report_inbox_entries e
       join lab_results lr on lr.id = e.lab_result_id
       join patients p on p.id = lr.patient_id
       left join users u on u.id = e.owner_id
       ${where}
       order by (case e.flag when 'critical' then 0 when 'abnormal' then 1 else 2 end), e.received_at
       limit ${PAGE}`,
      [labId, userId],
    ),
    sql.unsafe(`select count(*)::int as n from report_inbox_entries e ${where}`, [labId, userId]),
  ]);
  return rows.length + (count[0]?.n as number);
}

async function measure(label: string, ops: number, warmup: number, call: (i: number) => Promise<unknown>) {
  for (let i = 0; i < warmup; i++) await call(i);
  const times: number[] = [];
  for (let i = 0; i < ops; i++) {
    const start = performance.now();
    await call(i);
    times.push(performance.now() - start);
  }
  return { label, p50: percentile(times, 50), p95: percentile(times, 95), max: percentile(times, 100) };
}

async function run(): Promise<void> {
  let baseUrl: string | undefined;
  try {
    baseUrl = parseEnv(process.env).DATABASE_URL;
  } catch (error) {
    if (error instanceof EnvError) throw new SetupError(error.message);
    throw error;
  }
  if (!baseUrl)
    throw new SetupError(
      "bench:inbox needs PostgreSQL: set DATABASE_URL to a server URL. It creates (and afterwards drops) its own database <database>_inbox_bench next to it.",
    );
  const ops = smoke ? 10 : positiveInt("BENCH_OPS", 400, 1_000_000);
  const warmup = smoke ? 2 : positiveInt("BENCH_WARMUP", 40, 1_000_000);
  const loadAtStart = loadAverage();
  const fresh = await freshPostgresDatabase(baseUrl, "inbox_bench");
  const client = postgres(fresh.url, { max: 4, onnotice: () => {} });
  try {
    const db = drizzle(client, { schema }) as unknown as Db;
    await migrateDb(db, "postgres");
    const seedStart = performance.now();
    const { seeded, steps } = await seed(client);
    const seedMs = performance.now() - seedStart;
    const [awaiting] = await client<{ n: number }[]>`
      select count(*)::int as n from report_inbox_entries where lab_id = ${seeded.labA} and awaiting_sign_off`;
    const [total] = await client<
      { n: number }[]
    >`select count(*)::int as n from interpretation_reports where lab_id = ${seeded.labA}`;

    const scopeOf = (userId: string): QueryScope => ({
      userId,
      role: "doctor",
      labIds: [seeded.labA],
      labId: seeded.labA,
    });
    const doctor = (i: number) => seeded.doctors[i % seeded.doctors.length]!;
    const results = [];
    for (const assignee of ["for_me", "all"] as const) {
      // Alternate the two so that neither always runs on a warmer cache.
      const ours = await measure(`listInbox (${assignee})`, ops, warmup, (i) =>
        listInbox(db, scopeOf(doctor(i)), { assignee }, PAGE),
      );
      const base = await measure(`baseline SQL (${assignee})`, ops, warmup, (i) =>
        baselineInbox(client, seeded.labA, doctor(i), assignee),
      );
      results.push({ assignee, ours, base });
    }

    log(`bench:inbox${smoke ? " --smoke" : ""}`);
    log(`Machine: ${describeMachine()}; PostgreSQL ${fresh.version}; ${loadAverageNote(loadAtStart)}`);
    log(
      `Data: lab A ${total!.n} interpretation reports, ${awaiting!.n} awaiting sign-off; lab B ${sizes.labBReports}; ${DOCTORS} doctors per lab. Seeded in ${(seedMs / 1000).toFixed(1)} s (${steps.map(([l, t]) => `${l} ${(t / 1000).toFixed(1)} s`).join("; ")}).`,
    );
    log(
      `Timed calls per measure: ${ops} (after ${warmup} warm-up), one at a time; each call = first ${PAGE} rows + the count.`,
    );
    log("");
    log(
      table(
        ["measure", "p50 ms", "p95 ms", "max ms", "p95 ratio to baseline", `aim p95 <= ${AIM_P95_MS} ms`],
        results.flatMap(({ ours, base }) => [
          [
            ours.label,
            ours.p50.toFixed(2),
            ours.p95.toFixed(2),
            ours.max.toFixed(2),
            ratio(ours.p95, base.p95),
            smoke ? "(smoke: no aim)" : verdict(ours.p95, AIM_P95_MS),
          ],
          [base.label, base.p50.toFixed(2), base.p95.toFixed(2), base.max.toFixed(2), "1.00", ""],
        ]),
      ),
    );
    log("");
    for (const { assignee, ours, base } of results)
      log(`Ratio listInbox/baseline (${assignee}): p50 ${ratio(ours.p50, base.p50)}, p95 ${ratio(ours.p95, base.p95)}`);
  } finally {
    await client.end({ timeout: 5 });
    if (process.env.BENCH_KEEP !== "1") await fresh.drop();
  }
}

process.exitCode = await runBenchmark(async () => run());
