import { performance } from "node:perf_hooks";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "@/db";
import { migrateDb } from "@/db/migrate";
import { listLabResultsForPatient } from "@/db/queries/lab-results";
import { getPatientForUser, listPatientsForUser } from "@/db/queries/patients";
import { listReportsForLabResults } from "@/db/queries/reports";
import type { QueryScope } from "@/db/queries/scope";
import * as schema from "@/db/schema";
import { EnvError, parseEnv } from "@/lib/env";
import { CapturingClient, WATCHED_TABLES, type PlanSummary } from "./browse-explain";
import { nameFragment, runLoad, seededRandom, type LoadResult, type NameFragment } from "./browse-measure";
import { SEED_SIZES, seedBrowseData, type SeededData } from "./browse-seed";
import { freshPostgresDatabase, type FreshDatabase } from "./lib/harness";
import { describeMachine, loadAverage, loadAverageNote, mean, percentile, table, verdict } from "./lib/report";
import { SMOKE, SMOKE_VERDICT, smokeOr } from "./lib/smoke";

/**
 * `npm run bench:browse`: seeds a fresh PostgreSQL database with 100,000 patients,
 * 300,000 lab results and 200,000 interpretation reports, then measures the patient
 * search (by name fragment, patient id and accession number) and the patient page
 * through the project's own query functions, 10 at a time, and EXPLAINs one call of
 * each. The patient list without a search (/patients as it opens) is measured too, for
 * context. It prints the figures and exits 0 whatever they are; it exits 2 without
 * DATABASE_URL and 1 when it could not run.
 *
 * Environment: DATABASE_URL (required; the benchmark works in its own database
 * `<database>_browse_bench` next to it), BENCH_OPS (timed operations per measure, default
 * 2000), BENCH_WARMUP (default 200), BENCH_CONCURRENCY (default 10), BENCH_MAX_SECONDS
 * (time limit of each measure's timed phase, default 60; its warm-up gets a third of it),
 * BENCH_KEEP=1 (keep the database afterwards).
 */

const AIM_SEARCH_P95_MS = 50;
const AIM_PAGE_P95_MS = 150;
const PAGE_SIZE = 25;

class SetupError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function positiveInt(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new SetupError(`${name} must be a whole number from 1 to ${max}.`, 2);
  return value;
}

function fixed(value: number): string {
  return Number.isNaN(value) ? "n/a" : value < 10 ? value.toFixed(2) : value.toFixed(1);
}

const log = (line = "") => console.log(line);

type Measure = {
  name: string;
  /** Null: shown for context, the issue sets no aim for it. */
  aimP95Ms: number | null;
  result: LoadResult;
  /** What `sizes` count, for the report. */
  sizeLabel: string;
};

type Inputs = {
  fragments: NameFragment[];
  patientIds: string[];
  accessions: string[];
  pagePatients: string[];
};

async function sampleInputs(sql: postgres.Sql, seeded: SeededData, count: number): Promise<Inputs> {
  // The same inputs on every run: a fixed seed for PostgreSQL's random() and for ours.
  // Parallel workers would draw from their own unseeded generators.
  await sql.unsafe("set max_parallel_workers_per_gather = 0");
  await sql.unsafe("select setseed(0.17)");
  const people = await sql.unsafe<{ given_name: string; family_name: string }[]>(
    "select given_name, family_name from patients where lab_id = $1 order by random() limit $2",
    [seeded.labA.id, count],
  );
  const ids = await sql.unsafe<{ patient_id: string }[]>(
    "select patient_id from patients where lab_id = $1 order by random() limit $2",
    [seeded.labA.id, count],
  );
  const accessions = await sql.unsafe<{ accession_number: string }[]>(
    "select accession_number from lab_results where lab_id = $1 order by random() limit $2",
    [seeded.labA.id, count],
  );
  const pages = await sql.unsafe<{ id: string }[]>(
    "select id from patients where lab_id = $1 order by random() limit $2",
    [seeded.labA.id, count],
  );
  await sql.unsafe("reset max_parallel_workers_per_gather");
  const random = seededRandom(20240601);
  return {
    fragments: people.map((p) => nameFragment(random, p.given_name, p.family_name)),
    patientIds: ids.map((row) => row.patient_id),
    accessions: accessions.map((row) => row.accession_number),
    pagePatients: pages.map((row) => row.id),
  };
}

function pick<T>(values: readonly T[], index: number): T {
  const value = values[index % values.length];
  if (value === undefined) throw new Error("No benchmark inputs were sampled.");
  return value;
}

/** The patient page's reads, in the page's order (app/(portal)/patients/[id]/page.tsx). */
async function patientPage(db: Db, scope: QueryScope, id: string): Promise<number> {
  const patient = await getPatientForUser(db, scope, id);
  if (!patient) throw new Error(`The benchmark patient ${id} was not found.`);
  const results = await listLabResultsForPatient(db, scope, patient.id, { show: "all" });
  const reports = await listReportsForLabResults(
    db,
    scope,
    results.map((r) => r.id),
  );
  let versions = 0;
  for (const list of reports.values()) versions += list.length;
  return results.length + versions;
}

type PlanFindings = { seqScan: boolean; wasteful: boolean; executionMs: number; jitMs: number };

function printPlan(label: string, plans: PlanSummary[]): PlanFindings {
  let seqScan = false;
  let wasteful = false;
  let executionMs = 0;
  let jitMs = 0;
  log(`${label}`);
  plans.forEach((plan, i) => {
    const params = plan.parameters.map((p) => JSON.stringify(p)).join(", ");
    log(
      `  statement ${i + 1} of ${plans.length}: execution ${plan.executionMs.toFixed(2)} ms, planning ${plan.planningMs.toFixed(2)} ms`,
    );
    log(`    SQL: ${plan.sql.replace(/\s+/g, " ").trim()}`);
    log(`    parameters: [${params}]`);
    const indexes = [...new Set(plan.indexes.map((x) => `${x.index} (${x.node})`))];
    if (plan.jit)
      log(
        `    JIT: ${plan.jit.functions} functions compiled in ${plan.jit.ms.toFixed(1)} ms (the plan's cost estimate passed jit_above_cost)`,
      );
    log(`    indexes used: ${indexes.length > 0 ? indexes.join(", ") : "none"}`);
    const seq = plan.seqScans.map((s) => `${s.table} (${s.rowsRead} rows read)`);
    log(`    Seq Scan on ${WATCHED_TABLES.join("/")}: ${seq.length > 0 ? seq.join(", ") : "none"}`);
    if (plan.wastefulScans.length > 0) {
      const list = plan.wastefulScans.map(
        (w) => `${w.node} on ${w.table}: ${w.rowsRemoved} rows read and thrown away over ${w.loops} loop(s)`,
      );
      log(`    rows read and filtered out: ${list.join("; ")}`);
    }
    log("    plan:");
    for (const line of plan.lines) log(`      ${"  ".repeat(line.depth)}${line.text}`);
    seqScan ||= plan.seqScans.length > 0;
    wasteful ||= plan.wastefulScans.length > 0;
    executionMs += plan.executionMs;
    jitMs += plan.jit?.ms ?? 0;
  });
  log("");
  return { seqScan, wasteful, executionMs, jitMs };
}

async function run(): Promise<void> {
  let baseUrl: string | undefined;
  try {
    baseUrl = parseEnv(process.env).DATABASE_URL;
  } catch (error) {
    if (error instanceof EnvError) throw new SetupError(error.message, 2);
    throw error;
  }
  if (!baseUrl) {
    throw new SetupError(
      "bench:browse needs PostgreSQL: set DATABASE_URL to a server URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/lab_portal. " +
        "It creates (and afterwards drops) its own database <database>_browse_bench next to it.",
      2,
    );
  }
  // `--smoke`: a small data set (browse-seed.ts) and a few operations, no aims.
  const operations = positiveInt("BENCH_OPS", smokeOr(2000, 20), 1_000_000);
  const warmup = positiveInt("BENCH_WARMUP", smokeOr(200, 5), 1_000_000);
  const concurrency = positiveInt("BENCH_CONCURRENCY", 10, 100);
  const maxSeconds = positiveInt("BENCH_MAX_SECONDS", 60, 86_400);
  const keep = process.env.BENCH_KEEP === "1";
  const loadAtStart = loadAverage();

  let fresh: FreshDatabase;
  try {
    fresh = await freshPostgresDatabase(baseUrl, "browse_bench");
  } catch (error) {
    throw new SetupError(
      `Could not create the benchmark database: ${error instanceof Error ? error.message : String(error)}`,
      1,
    );
  }
  const { name, url: benchUrl, version } = fresh;

  const clients: postgres.Sql[] = [];
  const capturing = new CapturingClient(benchUrl);
  const dropDatabase = async () => {
    await Promise.all(clients.map((client) => client.end({ timeout: 5 })));
    await capturing.close();
    if (keep) {
      log(`BENCH_KEEP=1: the database ${name} is kept.`);
    } else {
      await fresh.drop();
    }
  };
  const onSignal = () => {
    void dropDatabase().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    log("Patient browsing benchmark");
    log(`Machine:  ${describeMachine()}`);
    log(`          ${loadAverageNote(loadAtStart)}`);
    log(`Database: PostgreSQL ${version} at ${new URL(baseUrl).host}, database ${name} (fresh)`);
    log("");

    const seedClient = postgres(benchUrl, { max: 1, onnotice: () => {} });
    clients.push(seedClient);
    const migrated = performance.now();
    await migrateDb(drizzle(seedClient, { schema }) as unknown as Db, "postgres");
    log(`Migrated with the project's migrations in ${((performance.now() - migrated) / 1000).toFixed(1)} s.`);
    log("Seeding (set-based SQL):");
    const seedStarted = performance.now();
    const seeded = await seedBrowseData(seedClient, log);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const c = seeded.counts;
    log(`Seeded in ${seedSeconds.toFixed(1)} s:`);
    log(
      `  patients: ${c.patientsA + c.patientsB} (lab A ${c.patientsA}, lab B ${c.patientsB}); ${c.distinctFamilyNames} distinct family names`,
    );
    log(
      `  lab results: ${c.labResults} (${c.reportReady} report_ready); up to ${c.maxResultsPerPatient} per patient, ${c.patientsWithoutResults} patients without any`,
    );
    log(
      `  interpretation reports: ${c.reportsV1 + c.reportsV2} (${c.reportsV1} version 1, ${c.reportsV2} version 2 superseding one)`,
    );
    log(`  report read marks of the bench doctor: ${c.readMarks}; one shared PDF document per lab`);
    if (c.reportsV1 + c.reportsV2 !== SEED_SIZES.reports) log(`  (aimed at ${SEED_SIZES.reports} reports)`);
    log("");

    const inputs = await sampleInputs(seedClient, seeded, warmup + operations);
    const pool = postgres(benchUrl, { max: concurrency, onnotice: () => {} });
    clients.push(pool);
    const db = drizzle(pool, { schema }) as unknown as Db;
    // The bench doctor, working in lab A.
    const scope: QueryScope = {
      userId: seeded.doctorId,
      role: "doctor",
      labIds: [seeded.labA.id],
      labId: seeded.labA.id,
    };
    const search = async (q: string | undefined, page = 1) => {
      const result = await listPatientsForUser(db, scope, { q, page, pageSize: PAGE_SIZE });
      return result.total;
    };
    const loadOptions = {
      operations,
      warmup,
      concurrency,
      maxMs: maxSeconds * 1000,
      warmupMaxMs: (maxSeconds * 1000) / 3,
    };
    const infixShare = inputs.fragments.filter((f) => f.kind === "infix").length / inputs.fragments.length;

    log(
      `Measuring: ${warmup} warm-up and ${operations} timed operations per measure (or as many as start within ${(maxSeconds / 3).toFixed(0)} s and ${maxSeconds} s), ` +
        `${concurrency} concurrent, as the bench doctor in lab A (90% of the rows); a postgres.js pool of ${concurrency}.`,
    );
    const measures: Measure[] = [];
    const measure = async (
      label: string,
      aim: number | null,
      sizeLabel: string,
      operation: (index: number) => Promise<number>,
    ) => {
      const result = await runLoad(operation, loadOptions);
      measures.push({ name: label, aimP95Ms: aim, result, sizeLabel });
      const limited = result.stoppedByTimeLimit ? ` (stopped by the ${maxSeconds} s limit)` : "";
      log(
        `  ${label}: ${result.latencies.length} operations${limited}, p50 ${fixed(percentile(result.latencies, 50))} ms, p95 ${fixed(percentile(result.latencies, 95))} ms`,
      );
    };
    await measure("search by name fragment", AIM_SEARCH_P95_MS, "patients matched", (i) =>
      search(pick(inputs.fragments, i).text),
    );
    await measure("search by patient id", AIM_SEARCH_P95_MS, "patients matched", (i) =>
      search(pick(inputs.patientIds, i)),
    );
    await measure("search by accession", AIM_SEARCH_P95_MS, "patients matched", (i) =>
      search(pick(inputs.accessions, i)),
    );
    await measure("patient list, no search (pages 1-5)", null, "patients counted (up to the cap)", (i) =>
      search(undefined, 1 + (i % 5)),
    );
    await measure("patient page", AIM_PAGE_P95_MS, "results + report versions", (i) =>
      patientPage(db, scope, pick(inputs.pagePatients, i)),
    );
    log("");

    log("Results (milliseconds per operation, measured in the client around each call)");
    log(
      table(
        ["measure", "ops", "p50", "p95", "p99", "max", "ops/s", "aim p95", "result", "mean size"],
        measures.map((m) => {
          const p95 = percentile(m.result.latencies, 95);
          return [
            m.name,
            `${m.result.latencies.length}${m.result.stoppedByTimeLimit ? "*" : ""}`,
            fixed(percentile(m.result.latencies, 50)),
            fixed(p95),
            fixed(percentile(m.result.latencies, 99)),
            fixed(Math.max(...m.result.latencies)),
            ((m.result.latencies.length / m.result.wallMs) * 1000).toFixed(0),
            m.aimP95Ms === null ? "-" : `<= ${m.aimP95Ms}`,
            m.aimP95Ms === null ? "context" : verdict(p95, m.aimP95Ms),
            `${fixed(mean(m.result.sizes))} ${m.sizeLabel}`,
          ];
        }),
      ),
    );
    if (measures.some((m) => m.result.stoppedByTimeLimit)) {
      log(
        `* fewer than ${operations} operations: the measure reached its ${maxSeconds} s limit (BENCH_MAX_SECONDS), so its percentiles rest on fewer samples.`,
      );
    }
    log(
      `Name fragments: 3 to 6 letters of a seeded family or given name, ${(100 - infixShare * 100).toFixed(0)}% from its start, ${(infixShare * 100).toFixed(0)}% from inside it.`,
    );
    log(
      "Searches: listPatientsForUser (the patients page: one statement, the matches counted as they are found), page 1 of 25.",
    );
    log(
      "Patient list: the same function without a search, as /patients opens (its rows, and the lab's patients counted up to 10,000, in parallel);",
    );
    log("the issue sets no aim for it, it is shown for context.");
    log("Patient page: getPatientForUser, listLabResultsForPatient, listReportsForLabResults, one after another.");
    log("");

    log(
      "EXPLAIN (ANALYZE, BUFFERS) of one representative call of each, with the SQL and parameters the functions really sent",
    );
    log(
      "(recorded by a postgres.js debug hook; EXPLAIN plans them with these parameters, as a custom plan; the searches",
    );
    log(
      "themselves run on a cached generic plan without parallel workers, see inCachedPlan in db/queries/patients.ts)",
    );
    log("");
    const representative = {
      fragment:
        inputs.fragments.find((f) => f.kind === "prefix" && f.text.length === 4)?.text ??
        pick(inputs.fragments, 0).text,
      patientId: pick(inputs.patientIds, 0),
      accession: pick(inputs.accessions, 0),
    };
    const [pagePatient] = await seedClient.unsafe<{ id: string }[]>(
      `select p.id from patients p
       where p.lab_id = $1
         and (select count(*) from lab_results lr where lr.patient_id = p.id) = 3
         and (select count(*) from interpretation_reports r where r.patient_id = p.id) >= 3
       order by p.patient_id limit 1`,
      [seeded.labA.id],
    );
    const explained: ({ label: string } & PlanFindings)[] = [];
    const explainCall = async (label: string, work: (captureDb: Db) => Promise<unknown>) => {
      const queries = await capturing.capture(work);
      const plans: PlanSummary[] = [];
      for (const query of queries) plans.push(await capturing.explain(query));
      explained.push({ label, ...printPlan(label, plans) });
    };
    const listCall = (q: string) => (captureDb: Db) =>
      listPatientsForUser(captureDb, scope, { q, page: 1, pageSize: PAGE_SIZE });
    await explainCall(
      `search by name fragment "${representative.fragment}" (listPatientsForUser)`,
      listCall(representative.fragment),
    );
    await explainCall(
      `search by patient id "${representative.patientId}" (listPatientsForUser)`,
      listCall(representative.patientId),
    );
    await explainCall(
      `search by accession "${representative.accession}" (listPatientsForUser)`,
      listCall(representative.accession),
    );
    await explainCall("patient list, no search, page 1 (listPatientsForUser)", (captureDb) =>
      listPatientsForUser(captureDb, scope, { page: 1, pageSize: PAGE_SIZE }),
    );
    if (pagePatient) {
      const id = pagePatient.id;
      await explainCall("patient page: getPatientForUser", (captureDb) => getPatientForUser(captureDb, scope, id));
      const results = await listLabResultsForPatient(capturing.db, scope, id, { show: "all" });
      await explainCall(`patient page: listLabResultsForPatient (${results.length} results)`, (captureDb) =>
        listLabResultsForPatient(captureDb, scope, id, { show: "all" }),
      );
      await explainCall("patient page: listReportsForLabResults", (captureDb) =>
        listReportsForLabResults(
          captureDb,
          scope,
          results.map((r) => r.id),
        ),
      );
    } else {
      log("No patient with 3 lab results and 3 reports was found: the patient page was not EXPLAINed.");
    }

    log("Summary");
    log(
      table(
        [
          "call",
          "execution (all statements)",
          "of which JIT",
          "Seq Scan on a large table",
          ">= 1000 rows filtered out",
        ],
        explained.map((e) => [
          e.label,
          `${fixed(e.executionMs)} ms`,
          e.jitMs > 0 ? `${fixed(e.jitMs)} ms` : "-",
          e.seqScan ? "yes" : "no",
          e.wasteful ? "yes" : "no",
        ]),
      ),
    );
    const missed = measures
      .filter((m) => m.aimP95Ms !== null && percentile(m.result.latencies, 95) > m.aimP95Ms)
      .map((m) => m.name);
    log("");
    log(SMOKE ? SMOKE_VERDICT : missed.length === 0 ? "All aims met." : `Aims not met: ${missed.join(", ")}.`);
    log("These figures are informational: the benchmark does not fail on them.");
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await dropDatabase();
  }
}

run().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof SetupError) {
      console.error(error.message);
      process.exit(error.exitCode);
    }
    console.error("The browse benchmark could not run:", error);
    process.exit(1);
  },
);
