import { performance } from "node:perf_hooks";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "@/db";
import { migrateDb } from "@/db/migrate";
import { getTurnaroundFigures, splitWindow, turnaroundStageKeys, type TurnaroundFigures } from "@/db/queries/analytics";
import type { QueryScope } from "@/db/queries/scope";
import * as schema from "@/db/schema";
import { analyticsWindow, weekStartOf } from "@/lib/analytics/weeks";
import { EnvError, parseEnv } from "@/lib/env";
import { freshPostgresDatabase, positiveInt, runBenchmark, SetupError } from "./lib/harness";
import { describeMachine, loadAverage, loadAverageNote, percentile, ratio, table, verdict } from "./lib/report";

/**
 * `npm run bench:analytics [-- --smoke]`: the analytics page's queries (db/queries/analytics.ts,
 * getTurnaroundFigures: the lab's target, the figures by stage and week, the backlog) on a
 * lab with 200,000 lab results spread over 13 weeks (and a second lab with 50,000, so that
 * scoping matters), against a baseline: the same work written by hand as SQL text and run
 * on the bare driver, without the app's query layer (the stored completed weeks read, the
 * missing ones computed and stored, the current week computed live, the backlog). Both
 * answer the same figures (checked). It prints p50/p95/max and ratios of warm views (every
 * completed week stored; the aim, p95 at most 300 ms, as met or not) and, on lines of their
 * own, of cold views (one week, or every week, to compute first). It exits 0 whatever the
 * figures are; 2 without DATABASE_URL; 1 when it could not run.
 *
 * Seeding is set-based: a plan of every lab result's moments (uploaded, first sent,
 * accepted, report delivered, first and second read) is drawn by PostgreSQL with
 * generate_series and random() (setseed: the same data on every run, relative to "now",
 * here the last minute of the current week, so that the live week is a whole one), and
 * the tables are filled from it in a handful of statements. Moments that would fall after
 * now have not happened yet (queued, waiting for a report, not opened).
 *
 * `--smoke`: 2,000 + 500 lab results, 3 warm runs and one of each cold kind; no aim. Environment: DATABASE_URL
 * (required; the benchmark works in its own database `<database>_analytics_bench`),
 * BENCH_RUNS (warm runs of each side, default 30; cold: at most 3), BENCH_KEEP=1 (keep the database).
 */

const AIM_P95_MS = 300;
const smoke = process.argv.includes("--smoke");
const SIZES = smoke ? { labA: 2_000, labB: 500 } : { labA: 200_000, labB: 50_000 };
const log = (line = "") => console.log(line);

type Sql = postgres.Sql;

async function seed(sql: Sql, now: Date): Promise<{ labA: string; labB: string; doctor: string }> {
  // "Now" of the seeded data (a moment of this run, not a parameter: the plan's statement reads it many times).
  const AT = `'${now.toISOString()}'::timestamptz`;
  await sql.unsafe("set synchronous_commit = off");
  await sql.unsafe("set work_mem = '64MB'");
  await sql.unsafe("select setseed(0.2112)");
  const labs = await sql.unsafe<{ id: string; name: string }[]>(
    "insert into labs (name, partner_lab_id, turnaround_hours) values ('Analytics Bench A', 'an-bench-a', 48), ('Analytics Bench B', 'an-bench-b', 24) returning id, name",
  );
  const labA = labs.find((l) => l.name.endsWith("A"))!.id;
  const labB = labs.find((l) => l.name.endsWith("B"))!.id;
  // Readers: three doctors in A, one in B (placeholder password hashes: nobody signs in).
  const users = await sql.unsafe<{ id: string; email: string }[]>(
    `insert into users (email, name, password_hash)
     select 'reader-' || n || '@analytics.bench', 'Reader ' || n, 'not-a-password-hash' from generate_series(1, 4) n
     returning id, email`,
  );
  const byEmail = (n: number) => users.find((u) => u.email === `reader-${n}@analytics.bench`)!.id;
  const readersA = [byEmail(1), byEmail(2), byEmail(3)];
  const readerB = byEmail(4);
  await sql.unsafe(
    "insert into lab_memberships (user_id, lab_id, role) select unnest($1::uuid[]), $2::uuid, 'doctor'::lab_role union all select $3::uuid, $4::uuid, 'doctor'::lab_role",
    [readersA, labA, readerB, labB],
  );
  await sql.unsafe(
    `insert into documents (lab_id, bytes, sha256, size_bytes, mime_type, file_name)
     select id, '\\x255044462d', 'bench-' || id, 5, 'application/pdf', 'bench.pdf' from labs`,
  );
  const total = SIZES.labA + SIZES.labB;
  const every = Math.round(total / SIZES.labB); // every fifth lab result is lab B's
  const patientsPerLab = Math.max(50, Math.floor(total / 10));
  const started = performance.now();
  await sql.unsafe(
    `create table bench_patients as
     select l.id as lab_id, n, gen_random_uuid() as id from labs l, generate_series(0, ${patientsPerLab - 1}) n`,
  );
  await sql.unsafe(
    `insert into patients (id, lab_id, patient_id, given_name, family_name)
     select id, lab_id, 'P-' || n, 'Bench', 'Patient ' || n from bench_patients`,
  );
  // The plan: every lab result's moments; random() draws are independent per column.
  await sql.unsafe(
    `create table bench_plan as
     with base as (
       select i, case when i % ${every} = 0 then $2::uuid else $1::uuid end as lab_id,
              gen_random_uuid() as id, gen_random_uuid() as report_id,
              ${AT} - random() * interval '91 days' as created,
              case when random() < 0.2 then 'store_only' else 'interpret' end as mode,
              random() as r_sent, random() as r_acc, random() as r_del, random() as r_read, random() as r_kind,
              random() as r_second
       from generate_series(1, ${total}) i
     ), drawn as (
       select *,
              case when r_kind < 0.985 then created + make_interval(secs => 5 + power(r_sent, 3) * 1800) end as sent0,
              -- mostly seconds; one in twenty waited for retries (10 to 30 minutes)
              make_interval(secs => 2 + r_acc * 60 + case when r_acc > 0.95 then 600 + r_acc * 1200 else 0 end) as accept_after,
              -- two hours to three days, most within a day
              make_interval(secs => 7200 + power(r_del, 2) * 250000) as deliver_after,
              make_interval(secs => 60 + power(r_read, 3) * 172800) as read_after
       from base
     ), sent as (
       select *, case when sent0 <= ${AT} then sent0 end as sent_at from drawn
     ), accepted as (
       select *, case when sent_at is not null and r_kind < 0.96 and sent_at + accept_after <= ${AT}
                      then sent_at + accept_after end as accepted_at from sent
     ), delivered as (
       select *, case when accepted_at is not null and mode = 'interpret' and accepted_at + deliver_after <= ${AT}
                      then accepted_at + deliver_after end as delivered_at from accepted
     )
     select *,
            case when delivered_at is not null and r_read < 0.85 and delivered_at + read_after <= ${AT}
                 then delivered_at + read_after end as read_at,
            case when sent_at is null then case when r_kind > 0.995 then 'needs_confirmation' else 'queued' end
                 when accepted_at is null then case when r_kind < 0.975 then 'rejected' when r_kind < 0.98 then 'failed' else 'retrying' end
                 when delivered_at is not null then 'report_ready'
                 else 'accepted' end as status
     from delivered`,
    [labA, labB],
  );
  await sql.unsafe(
    `insert into lab_results (id, lab_id, patient_id, document_id, accession_number, mode, status, attempts, accepted_at, created_at, updated_at)
     select p.id, p.lab_id, bp.id, d.id, 'BENCH-' || p.i, p.mode::lab_result_mode, p.status::lab_result_status,
            case when p.sent_at is null then 0 else 1 end, p.accepted_at, p.created, p.created
     from bench_plan p
     join bench_patients bp on bp.lab_id = p.lab_id and bp.n = p.i % ${patientsPerLab}
     join documents d on d.lab_id = p.lab_id`,
  );
  await sql.unsafe(
    `insert into submission_attempts (lab_result_id, attempt, started_at, finished_at, outcome, http_status)
     select id, 1, sent_at, coalesce(accepted_at, sent_at + interval '2 seconds'),
            case when accepted_at is not null then 'accepted' when status = 'rejected' then 'rejected' else 'transient' end::submission_outcome,
            case when accepted_at is not null then 200 when status = 'rejected' then 422 else 503 end
     from bench_plan where sent_at is not null`,
  );
  await sql.unsafe(
    `insert into interpretation_reports (id, lab_id, patient_id, lab_result_id, match_state, reference_id, delivered_patient_id, document_id, version, idempotency_key, received_at)
     select p.report_id, p.lab_id, lr.patient_id, p.id, 'matched', 'BENCH-' || p.i, 'P', lr.document_id, 1, 'bench-' || p.i, p.delivered_at
     from bench_plan p join lab_results lr on lr.id = p.id where p.delivered_at is not null`,
  );
  // One report in thirty gets an amended version a day later (not a "first report").
  await sql.unsafe(
    `insert into interpretation_reports (lab_id, patient_id, lab_result_id, match_state, reference_id, delivered_patient_id, document_id, version, idempotency_key, received_at)
     select p.lab_id, lr.patient_id, p.id, 'matched', 'BENCH-' || p.i, 'P', lr.document_id, 2, 'bench-v2-' || p.i, p.delivered_at + interval '1 day'
     from bench_plan p join lab_results lr on lr.id = p.id
     where p.delivered_at is not null and p.r_second < 0.033 and p.delivered_at + interval '1 day' <= ${AT}`,
  );
  // First readers, and a second reader later for a third of the reports.
  await sql.unsafe(
    `insert into report_read_marks (user_id, report_id, first_read_at)
     select case when p.lab_id = $4::uuid then $5::uuid else (array[$1::uuid, $2::uuid, $3::uuid])[1 + p.i % 3] end, p.report_id, p.read_at
     from bench_plan p where p.read_at is not null
     union all
     select (array[$1::uuid, $2::uuid, $3::uuid])[1 + (p.i + 1) % 3], p.report_id,
            p.read_at + make_interval(secs => p.r_second * 86400)
     from bench_plan p
     where p.read_at is not null and p.lab_id <> $4::uuid and p.r_second < 0.33 and p.read_at + make_interval(secs => p.r_second * 86400) <= ${AT}`,
    [readersA[0]!, readersA[1]!, readersA[2]!, labB, readerB],
  );
  // The moments the database keeps for the analytics (migration 0015's triggers) must be the
  // history's: the start of each lab result's first attempt, each report's earliest read mark.
  const [kept] = await sql.unsafe<{ sends: number; opens: number }[]>(
    `select (select count(*) from lab_results lr
             where lr.first_sent_at is distinct from (select min(sa.started_at) from submission_attempts sa
                                                     where sa.lab_result_id = lr.id and sa.attempt = 1))::int as sends,
            (select count(*) from interpretation_reports ir
             where ir.first_opened_at is distinct from (select min(m.first_read_at) from report_read_marks m
                                                       where m.report_id = ir.id))::int as opens`,
  );
  if (kept!.sends > 0 || kept!.opens > 0)
    throw new Error(`The kept first moments disagree with the history: ${kept!.sends} sends, ${kept!.opens} openings.`);
  await sql.unsafe("drop table bench_plan");
  await sql.unsafe("drop table bench_patients");
  // The seed's bulk writes leave dead row versions (the triggers of migration 0015 update every
  // lab result and report once more); autovacuum clears them in a running database.
  await sql.unsafe("vacuum analyze");
  const [counts] = await sql.unsafe<{ results: number; attempts: number; reports: number; marks: number }[]>(
    `select (select count(*) from lab_results)::int as results, (select count(*) from submission_attempts)::int as attempts,
            (select count(*) from interpretation_reports)::int as reports, (select count(*) from report_read_marks)::int as marks`,
  );
  log(
    `Seeded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${counts!.results.toLocaleString("en")} lab results (lab A ${SIZES.labA.toLocaleString("en")}, lab B ${SIZES.labB.toLocaleString("en")}), ` +
      `${counts!.attempts.toLocaleString("en")} attempts, ${counts!.reports.toLocaleString("en")} reports, ${counts!.marks.toLocaleString("en")} read marks, over 13 weeks.`,
  );
  return { labA, labB, doctor: readersA[0]! };
}

/**
 * The baseline: the same work as the app's query, as hand-written SQL text on the bare driver
 * (no query builder, no scope, no mapping beyond what the comparison needs), in one
 * transaction with the same settings: the lab's target; which completed weeks are stored
 * (for that target); when some are missing, computing and storing them; the stored weeks'
 * figures; the current week's figures computed live; the backlog.
 */
const BASELINE_WEEK_FIGURES = `
  with spans as (
    select 0 as stage, lr.created_at as started_at, lr.first_sent_at as ended_at
      from lab_results lr
      where lr.lab_id = $1 and lr.first_sent_at >= $2 and lr.first_sent_at < $3
    union all
    select 1, lr.first_sent_at, lr.accepted_at
      from lab_results lr
      where lr.lab_id = $1 and lr.accepted_at >= $2 and lr.accepted_at < $3 and lr.first_sent_at is not null
    union all
    select s.stage, s.started_at, ir.received_at
      from interpretation_reports ir join lab_results lr on lr.id = ir.lab_result_id
      cross join lateral (values (2, lr.accepted_at), (5, lr.created_at)) s(stage, started_at)
      where ir.lab_id = $1 and ir.version = 1 and ir.received_at >= $2 and ir.received_at < $3
        and (s.stage = 5 or lr.accepted_at is not null)
    union all
    select 3, ir.received_at, ir.first_opened_at
      from interpretation_reports ir
      where ir.lab_id = $1 and ir.first_opened_at >= $2 and ir.first_opened_at < $3
    union all
    select 4, coalesce(ir.first_opened_at, ir.received_at), so.signed_off_at
      from report_sign_offs so join interpretation_reports ir on ir.id = so.report_id
      where so.lab_id = $1 and so.signed_off_at >= $2 and so.signed_off_at < $3
  ),
  durations as (
    select stage, date_trunc('week', ended_at at time zone 'UTC') as week,
           greatest(extract(epoch from ended_at - started_at), 0)::float8 as seconds
    from spans
  )
  select g.stage, to_char(g.week, 'YYYY-MM-DD') as week, g.count, g.within_target,
         g.p[1] as median, g.p[2] as p90, g.p[3] as p95
  from (
    select d.stage, d.week, count(*)::int as count,
           count(*) filter (where d.seconds <= $4::int * 3600)::int as within_target,
           percentile_cont(array[0.5, 0.9, 0.95]::float8[]) within group (order by d.seconds) as p
    from durations d
    group by d.stage, d.week
  ) g`;

/** $1 lab, $2..$3 the missing weeks' range, $4 target hours, $5 the missing weeks (date[]). */
const BASELINE_STORE = `
  insert into analytics_week_figures
    (lab_id, target_hours, week_start, stage, count, within_target, median_seconds, p90_seconds, p95_seconds)
  with figures as (${BASELINE_WEEK_FIGURES})
  select $1::uuid, $4::int, m.week, s.stage, coalesce(f.count, 0), coalesce(f.within_target, 0), f.median, f.p90, f.p95
  from unnest($5::date[]) m(week) cross join unnest(array[0, 1, 2, 3, 4, 5]) s(stage)
  left join figures f on f.stage = s.stage and f.week = to_char(m.week, 'YYYY-MM-DD')
  on conflict do nothing`;

const BASELINE_STORED_WEEKS = `
  select distinct to_char(week_start, 'YYYY-MM-DD') as week from analytics_week_figures
  where lab_id = $1 and target_hours = $2 and week_start >= $3::timestamptz::date and week_start < $4::timestamptz::date`;

const BASELINE_STORED = `
  select stage, to_char(week_start, 'YYYY-MM-DD') as week, count, within_target,
         median_seconds as median, p90_seconds as p90, p95_seconds as p95
  from analytics_week_figures
  where lab_id = $1 and target_hours = $2 and week_start >= $3::timestamptz::date and week_start < $4::timestamptz::date and count > 0`;

const BASELINE_BACKLOG = `
  select case when status = 'accepted' then 'waiting_for_report' else status::text end as state, count(*)::int as count
  from lab_results
  where lab_id = $1 and status in ('needs_confirmation', 'queued', 'sending', 'retrying', 'accepted', 'rejected', 'failed')
    and not (status = 'accepted' and mode = 'store_only')
  group by 1
  union all
  select 'report_unopened', count(*)::int from interpretation_reports ir
  where ir.lab_id = $1 and ir.first_opened_at is null`;

type BaselineRow = { stage: number; week: string; count: number; median: number | null };

const WEEK_MS = 7 * 86_400_000;

async function baseline(sql: Sql, labId: string, from: Date, to: Date) {
  const { liveFrom, weeks } = splitWindow({ from, to });
  // The same session settings as the app's transaction (no JIT, work_mem for the sort).
  return sql.begin(async (tx) => {
    await tx.unsafe("set local jit = off");
    await tx.unsafe("set local work_mem = '64MB'");
    const lab = await tx.unsafe<{ turnaround_hours: number }[]>("select turnaround_hours from labs where id = $1", [
      labId,
    ]);
    const target = lab[0]!.turnaround_hours;
    const stored = await tx.unsafe<{ week: string }[]>(BASELINE_STORED_WEEKS, [
      labId,
      target,
      from.toISOString(),
      liveFrom.toISOString(),
    ]);
    const have = new Set(stored.map((r) => r.week));
    const missing = weeks.filter((w) => !have.has(w)).sort();
    if (missing.length > 0) {
      const start = `${missing[0]}T00:00:00Z`;
      const end = new Date(new Date(`${missing.at(-1)}T00:00:00Z`).getTime() + WEEK_MS).toISOString();
      await tx.unsafe(BASELINE_STORE, [labId, start, end, target, missing]);
    }
    const cached = await tx.unsafe<BaselineRow[]>(BASELINE_STORED, [
      labId,
      target,
      from.toISOString(),
      liveFrom.toISOString(),
    ]);
    const live = await tx.unsafe<BaselineRow[]>(BASELINE_WEEK_FIGURES, [
      labId,
      liveFrom.toISOString(),
      to.toISOString(),
      target,
    ]);
    const backlog = await tx.unsafe<{ state: string; count: number }[]>(BASELINE_BACKLOG, [labId]);
    return { lab, figures: [...cached, ...live], backlog };
  });
}

/** The app's figures and the baseline's are the same (counts exactly, percentiles to a millisecond). */
function sameFigures(app: TurnaroundFigures, base: Awaited<ReturnType<typeof baseline>>): string[] {
  const problems: string[] = [];
  const baseRows = new Map(base.figures.map((r) => [`${turnaroundStageKeys[r.stage]}|${r.week}`, r]));
  if (baseRows.size !== app.figures.length) problems.push(`rows: app ${app.figures.length}, baseline ${baseRows.size}`);
  for (const row of app.figures) {
    const other = baseRows.get(`${row.stage}|${row.week}`);
    if (!other) problems.push(`${row.stage} ${row.week}: missing in the baseline`);
    else if (other.count !== row.count || Math.abs(Number(other.median) - (row.medianSeconds ?? 0)) > 0.001)
      problems.push(
        `${row.stage} ${row.week}: app ${row.count}/${row.medianSeconds}, baseline ${other.count}/${other.median}`,
      );
  }
  const backlog = new Map(base.backlog.map((b) => [b.state, b.count]));
  for (const b of app.backlog)
    if ((backlog.get(b.state) ?? 0) !== b.count)
      problems.push(`backlog ${b.state}: app ${b.count}, baseline ${backlog.get(b.state)}`);
  return problems;
}

async function time(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

process.exitCode = await runBenchmark(async (cleanup) => {
  let baseUrl: string | undefined;
  try {
    baseUrl = parseEnv(process.env).DATABASE_URL;
  } catch (error) {
    if (error instanceof EnvError) throw new SetupError(error.message);
    throw error;
  }
  if (!baseUrl)
    throw new SetupError(
      "bench:analytics needs PostgreSQL: set DATABASE_URL to a server URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/lab_portal. " +
        "It creates (and afterwards drops) its own database <database>_analytics_bench next to it.",
    );
  const runs = smoke ? 3 : positiveInt("BENCH_RUNS", 30, 10_000);
  const loadAtStart = loadAverage();
  const fresh = await freshPostgresDatabase(baseUrl, "analytics_bench");
  if (process.env.BENCH_KEEP !== "1") cleanup.add("drop the benchmark database", fresh.drop);
  const appClient = postgres(fresh.url, { max: 4, onnotice: () => {} });
  const bareClient = postgres(fresh.url, { max: 4, onnotice: () => {} });
  cleanup.add("close the connections", async () => {
    await appClient.end({ timeout: 5 });
    await bareClient.end({ timeout: 5 });
  });
  const db = drizzle(appClient, { schema }) as unknown as Db;
  await migrateDb(db, "postgres");
  log(
    `bench:analytics${smoke ? " --smoke" : ""}: PostgreSQL ${fresh.version} at ${fresh.host}, database ${fresh.name}`,
  );
  log(`Machine: ${describeMachine()}; ${loadAverageNote(loadAtStart)}`);
  // The views are timed as at the last minute of the current week (Sunday 23:59 UTC, data seeded up
  // to then): the current week, computed live, is then a whole week, the most it ever is.
  const benchNow = new Date(weekStartOf(new Date()).getTime() + 7 * 86_400_000 - 60_000);
  log(
    `Seeded and viewed as at ${benchNow.toISOString()} (the current week's last minute: its live part is a whole week).`,
  );
  const seedClient = postgres(fresh.url, { max: 1, onnotice: () => {} });
  let seeded: Awaited<ReturnType<typeof seed>>;
  try {
    seeded = await seed(seedClient, benchNow);
  } finally {
    await seedClient.end({ timeout: 5 });
  }

  const window = analyticsWindow(benchNow);
  const { weeks: storedWeeks } = splitWindow(window);
  const lastStored = storedWeeks.at(-1);
  const scope: QueryScope = { userId: seeded.doctor, role: "doctor", labIds: [seeded.labA], labId: seeded.labA };
  const appView = () => getTurnaroundFigures(db, scope, window);
  const bareView = () => baseline(bareClient, seeded.labA, window.from, window.to);
  /** Forgets lab A's stored weeks (all of them, or one), outside the timed part. */
  const forget = async (week?: string) => {
    if (week === undefined)
      await bareClient.unsafe("delete from analytics_week_figures where lab_id = $1", [seeded.labA]);
    else
      await bareClient.unsafe("delete from analytics_week_figures where lab_id = $1 and week_start = $2::date", [
        seeded.labA,
        week,
      ]);
  };
  const check = (app: TurnaroundFigures | null, bare: Awaited<ReturnType<typeof baseline>>, what: string) => {
    if (!app) throw new Error("The app's query found no lab.");
    const problems = sameFigures(app, bare);
    if (problems.length > 0)
      throw new Error(`The app and the baseline disagree (${what}): ${problems.slice(0, 5).join("; ")}`);
  };

  // Cold, every completed week missing (the first view ever, or the first after the target changed):
  // the app computes and stores the 11 weeks; the baseline, after the same rows are forgotten, does the same.
  const coldRuns = smoke ? 1 : Math.min(runs, 3);
  const coldAllApp: number[] = [];
  const coldAllBare: number[] = [];
  for (let i = 0; i < coldRuns; i++) {
    await forget();
    let app: TurnaroundFigures | null = null;
    coldAllApp.push(...(await time(1, async () => (app = await appView()))));
    await forget();
    let bare: Awaited<ReturnType<typeof baseline>> | undefined;
    coldAllBare.push(...(await time(1, async () => (bare = await bareView()))));
    if (i === 0) check(app, bare!, "every week computed");
  }
  // Cold, one week missing (the first view after a week ends; the others are stored).
  const coldOneApp: number[] = [];
  const coldOneBare: number[] = [];
  if (lastStored)
    for (let i = 0; i < coldRuns; i++) {
      await forget(lastStored);
      coldOneApp.push(...(await time(1, appView)));
      await forget(lastStored);
      coldOneBare.push(...(await time(1, bareView)));
    }

  // Warm: every completed week stored; the current week computed live on each view.
  const app = await appView();
  const bare = await bareView();
  check(app, bare, "warm");
  const totalOf = (stage: string) => app!.figures.filter((r) => r.stage === stage).reduce((sum, r) => sum + r.count, 0);
  const lastOverall = app!.figures.find((r) => r.stage === "overall" && r.week === lastStored);
  log(
    `Lab A over 12 weeks: ${totalOf("sent").toLocaleString("en")} sends, ${totalOf("overall").toLocaleString("en")} first reports ` +
      `(end to end median of the week of ${lastStored ?? "—"}: ${((lastOverall?.medianSeconds ?? 0) / 3600).toFixed(1)} h); ` +
      `app and baseline agree on all ${app!.figures.length} rows and the backlog, cold and warm.`,
  );

  // Warm-up, then alternate the two sides run by run so that neither gets a quieter machine.
  await time(smoke ? 1 : 3, appView);
  await time(smoke ? 1 : 3, bareView);
  const appSamples: number[] = [];
  const bareSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    appSamples.push(...(await time(1, appView)));
    bareSamples.push(...(await time(1, bareView)));
  }
  const row = (name: string, samples: number[]) =>
    samples.length === 0
      ? [name, "—", "—", "—"]
      : [
          name,
          `${percentile(samples, 50).toFixed(1)} ms`,
          `${percentile(samples, 95).toFixed(1)} ms`,
          `${Math.max(...samples).toFixed(1)} ms`,
        ];
  log();
  log(
    `The analytics page's queries for lab A (one view each; app and baseline alternate). ` +
      `Warm: ${runs} runs with the completed weeks stored, the current week live. ` +
      `Cold: ${coldRuns} run(s) each with the stored weeks forgotten first.`,
  );
  log(
    table(
      ["", "p50", "p95", "max"],
      [
        row("warm: app (getTurnaroundFigures)", appSamples),
        row("warm: baseline (bare SQL)", bareSamples),
        row(`cold, 1 week to compute (first view after a week ends): app`, coldOneApp),
        row(`cold, 1 week to compute: baseline`, coldOneBare),
        row(`cold, ${storedWeeks.length} weeks to compute (first view ever / target changed): app`, coldAllApp),
        row(`cold, ${storedWeeks.length} weeks to compute: baseline`, coldAllBare),
      ],
    ),
  );
  const appP95 = percentile(appSamples, 95);
  const bareP95 = percentile(bareSamples, 95);
  log(
    `ratio app/baseline, warm: p50 ${ratio(percentile(appSamples, 50), percentile(bareSamples, 50))}, p95 ${ratio(appP95, bareP95)}; ` +
      `cold (${storedWeeks.length} weeks): p95 ${ratio(percentile(coldAllApp, 95), percentile(coldAllBare, 95))}` +
      (coldOneApp.length > 0
        ? `; cold (1 week): p95 ${ratio(percentile(coldOneApp, 95), percentile(coldOneBare, 95))}`
        : ""),
  );
  if (smoke) log("Smoke run: a small data set, no aim.");
  else
    log(
      `Aim: the page's queries p95 at most ${AIM_P95_MS} ms (warm views): ${verdict(appP95, AIM_P95_MS)} (${appP95.toFixed(1)} ms). ` +
        `The cold views are once a week per lab (and after a target change), not held to the aim.`,
    );
});
