import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import postgres from "postgres";
import { authenticateDelivery, parseDelivery } from "@/lib/docus";
import { cpuShares, cpuSnapshot, type CpuShares } from "./deliveries-cpu";
import {
  DeliveryFactory,
  newRunTag,
  variantReportPdf,
  variantText,
  type DeliveryCredentials,
  type VariantPdf,
} from "./deliveries-requests";
import { portalServerSpec, runCli, sleep, startServerProcess, type PortalServer, type ServerSpec } from "./lib/portal";
import { describeMachine, loadAverage, loadAverageNote, table } from "./lib/report";
import { SMOKE, SMOKE_VERDICT, smokeOr } from "./lib/smoke";
import {
  Cleanup,
  SetupError,
  assertPortFree,
  freshPostgresDatabase,
  positiveInt,
  randomToken,
  requireProductionBuild,
  runBenchmark,
} from "./lib/harness";

/**
 * `npm run bench:deliveries`: autocannon against the portal's POST /api/docus/reports
 * with distinct, signed ~200 KB PDF deliveries, and in the same run against a bare
 * node:http baseline doing the same essential work into the same PostgreSQL database
 * (scripts/bench/deliveries-baseline.ts). The baseline runs first, then the portal, then
 * the portal's own delivery service behind a bare node:http server instead of Next.js
 * (scripts/bench/deliveries-service.ts: not a deployment; it separates the cost of the work
 * a correct delivery needs from the framework's). It
 * prints requests/s, p50 and p99 of each, their ratio against the aim, and proves from
 * the database that every 2xx response was a stored report. It exits 0 whatever the
 * figures are, and non-zero only when the benchmark could not run.
 *
 * Needs a production build (`npm run build`) and PostgreSQL in DATABASE_URL: the
 * benchmark creates `<that database>_bench_deliveries` next to it and drops it at the end.
 * The portal is a web instance without a worker (RUN_WORKER=0, as a scaled deployment runs
 * it): its answer waits for the stored report and its text-check job, not for the check.
 * After its measured run a worker (`npm run worker`'s script) is started on the same
 * database and the benchmark waits until every stored report's text check has run, and
 * prints how fast the checks drained: every report is checked, none is lost.
 *
 * `--smoke`: 20 KB reports, 1 s warm-up and 1 s measured with 2 connections, no aim.
 * Environment: BENCH_DURATION (measured seconds per target, default 10), BENCH_CONNECTIONS
 * (default 10), BENCH_PORT (portal, default 3400), BENCH_BASELINE_PORT (default 4400),
 * BENCH_CPU_PROF=<folder>: each server (baseline, portal, service) writes a V8 CPU profile
 * into <folder>/<its name> when it stops (node --cpu-prof; open it in Chrome's DevTools or
 * summarise it with scripts/bench/cpu-profile-summary.ts).
 */

// `--smoke`: a 20 KB report, so that the smoke run (and its text checks) is quick.
const PDF_BYTES = smokeOr(200, 20) * 1024;
const WARMUP_SECONDS = smokeOr(2, 1);
const AIM_RATIO = 0.8;
const PARTNER_LAB_ID = "bench-lab";
const DELIVERY_PATH = "/api/docus/reports";

/**
 * Starts a server (see startServerProcess) and registers its stop with the cleanup as soon
 * as it is spawned, so that a server that never becomes healthy is stopped too.
 */
function startServer(cleanup: Cleanup, spec: ServerSpec): Promise<PortalServer> {
  return startServerProcess({
    ...spec,
    pollMs: 100,
    onSpawn: (server) => cleanup.add(`stop the ${spec.label}`, () => server.stop()),
  });
}

/** What one target was sent and answered, by reference id, over all of its phases. */
type Tally = { sent: Set<string>; ok: Set<string>; duplicates: number; refusals: string[] };

function newTally(): Tally {
  return { sent: new Set(), ok: new Set(), duplicates: 0, refusals: [] };
}

function countResponse(tally: Tally, referenceId: unknown, status: number, body: string): void {
  if (status >= 200 && status < 300) {
    if (typeof referenceId === "string") tally.ok.add(referenceId);
    if (body.includes('"duplicate":true')) tally.duplicates += 1;
  } else if (tally.refusals.length < 5) {
    tally.refusals.push(`${status} ${body.slice(0, 200)}`);
  }
}

/** One delivery through fetch, so that a misconfigured target fails with its own answer. */
async function smokeTest(port: number, factory: DeliveryFactory, tally: Tally): Promise<void> {
  const delivery = factory.next();
  tally.sent.add(delivery.referenceId);
  const response = await fetch(`http://127.0.0.1:${port}${DELIVERY_PATH}`, {
    method: "POST",
    headers: delivery.headers,
    body: new Uint8Array(delivery.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  countResponse(tally, delivery.referenceId, response.status, text);
  if (!response.ok) throw new Error(`The first delivery was answered ${response.status}: ${text.slice(0, 300)}`);
}

function load(
  port: number,
  factory: DeliveryFactory,
  tally: Tally,
  seconds: number,
  connections: number,
): Promise<autocannon.Result> {
  const request: autocannon.Request = {
    method: "POST",
    path: DELIVERY_PATH,
    // autocannon serialises the returned request into its own buffer at once, so the
    // factory's body buffer can be patched again for the next request.
    setupRequest: (base, context) => {
      const delivery = factory.next();
      context.referenceId = delivery.referenceId;
      tally.sent.add(delivery.referenceId);
      return { ...base, headers: delivery.headers, body: delivery.body };
    },
    onResponse: (status, body, context) => countResponse(tally, context.referenceId, status, body),
  };
  return autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, requests: [request] });
}

type Stored = {
  rows: number;
  distinctPdfs: number;
  /** 2xx answers whose report is not in the database (must be 0). */
  answeredWithoutRow: number;
  /** Rows of requests whose answer never arrived: in flight when a load phase stopped. */
  storedUnanswered: number;
  /** Rows that match no request of this run (must be 0). */
  unknownRows: number;
};

/** Waits until the row count stops changing (requests cut off at the end still finish). */
async function settledCount(count: () => Promise<number>): Promise<number> {
  let last = await count();
  for (let i = 0; i < 60; i++) {
    await sleep(250);
    const now = await count();
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function storedFigures(
  tally: Tally,
  count: () => Promise<number>,
  referenceIds: () => Promise<string[]>,
  distinctPdfs: () => Promise<number>,
): Promise<Stored> {
  const rows = await settledCount(count);
  const stored = new Set(await referenceIds());
  let answeredWithoutRow = 0;
  for (const id of tally.ok) if (!stored.has(id)) answeredWithoutRow += 1;
  let storedUnanswered = 0;
  let unknownRows = 0;
  for (const id of stored) {
    if (!tally.sent.has(id)) unknownRows += 1;
    else if (!tally.ok.has(id)) storedUnanswered += 1;
  }
  return { rows, distinctPdfs: await distinctPdfs(), answeredWithoutRow, storedUnanswered, unknownRows };
}

/** Two generated deliveries parse, authenticate, hold a loadable PDF, and differ. */
async function checkGeneratedDeliveries(
  pdf: VariantPdf,
  credentials: DeliveryCredentials,
  runTag: string,
): Promise<void> {
  const factory = new DeliveryFactory(pdf, "C", runTag, credentials, PARTNER_LAB_ID);
  const hashes = new Set<string>();
  for (let i = 0; i < 2; i++) {
    const delivery = factory.next();
    const body = new Uint8Array(delivery.body);
    const auth = authenticateDelivery(credentials, { get: (name) => delivery.headers[name] ?? null }, body);
    if (!auth.ok) throw new Error(`A generated delivery does not authenticate: ${auth.reason}`);
    const parsed = parseDelivery(body);
    if (!parsed.ok) throw new Error(`A generated delivery does not parse: ${parsed.reason}`);
    if (parsed.delivery.referenceId !== delivery.referenceId)
      throw new Error("A generated delivery has the wrong reference_id.");
    if (!Buffer.from(parsed.delivery.pdf).includes(variantText(delivery.referenceId), 0, "latin1")) {
      throw new Error("A generated delivery's PDF does not hold its variant.");
    }
    const document = await PDFDocument.load(parsed.delivery.pdf);
    if (document.getPageCount() !== 1) throw new Error("A generated delivery's PDF does not load.");
    hashes.add(parsed.delivery.sha256);
  }
  if (hashes.size !== 2) throw new Error("Two generated deliveries carry the same PDF.");
}

type TargetFigures = {
  label: string;
  result: autocannon.Result;
  warmup: autocannon.Result;
  tally: Tally;
  stored: Stored;
  cpu: CpuShares;
};

/** Whether the database proves that every 2xx answer was a distinct stored report. */
function storedCheck(figures: {
  tally: Tally;
  stored: Stored;
  warmup: autocannon.Result;
  result: autocannon.Result;
  connections: number;
}): string {
  const { tally, stored, warmup, result, connections } = figures;
  // Two load phases, each cut off at its deadline; a timed-out request may be stored too.
  const mayBeCutOff = 2 * connections + warmup.timeouts + result.timeouts + warmup.errors + result.errors;
  const ok =
    stored.answeredWithoutRow === 0 &&
    stored.unknownRows === 0 &&
    tally.duplicates === 0 &&
    stored.distinctPdfs === stored.rows &&
    stored.rows === tally.ok.size + stored.storedUnanswered &&
    stored.storedUnanswered <= mayBeCutOff;
  return ok ? "every 2xx stored once" : "MISMATCH";
}

function fixed(value: number | null, digits = 1): string {
  return value === null || Number.isNaN(value) ? "n/a" : value.toFixed(digits);
}

function printReport(
  context: {
    database: string;
    pdfBytes: number;
    bodyBytes: number;
    connections: number;
    duration: number;
    loadAtStart: number;
    checkpointSkipped: boolean;
  },
  targets: TargetFigures[],
): void {
  const cpus = os.cpus();
  const [baseline, portal, service] = targets;
  const ratio = baseline && portal ? portal.result.requests.average / baseline.result.requests.average : Number.NaN;
  const serviceRatio =
    baseline && service ? service.result.requests.average / baseline.result.requests.average : Number.NaN;
  const met = SMOKE ? SMOKE_VERDICT : Number.isFinite(ratio) ? (ratio >= AIM_RATIO ? "met" : "not met") : "unknown";

  console.log("");
  console.log(`Delivery benchmark: POST ${DELIVERY_PATH} (KB = 1024 bytes)`);
  console.log(`Machine:  ${describeMachine({ withOs: true })}`);
  console.log(`          ${loadAverageNote(context.loadAtStart)}`);
  console.log(`Database: ${context.database}`);
  console.log(
    `Body:     ${(context.pdfBytes / 1024).toFixed(1)} KB PDF (${context.pdfBytes} bytes) in a ${context.bodyBytes}-byte JSON body (docs/docus-contract.md section 2, partner_lab_id ${PARTNER_LAB_ID});`,
  );
  console.log(
    "          every request a distinct report (reference_id, patient_id, PDF bytes), with x-api-key and a Standard Webhooks signature",
  );
  console.log(
    `Load:     autocannon, ${context.connections} connections; per target ${WARMUP_SECONDS} s warm-up, then ${context.duration} s measured; baseline first, then the portal, then its delivery service without Next.js; ${context.checkpointSkipped ? "no CHECKPOINT (not allowed for this database user)" : "CHECKPOINT before each target"}`,
  );
  console.log(
    "Baseline: node:http + postgres.js (pool of 10, as the portal): shared secret, body, signature, Content-Type,",
  );
  console.log(
    "          parseDelivery (JSON, fields, strict Base64, PDF check, SHA-256), one INSERT of the bytes and a row",
  );
  console.log("");
  console.log(
    table(
      ["target", "requests/s (mean)", "p50", "p99", "2xx", "non-2xx", "errors", "timeouts"],
      targets.map(({ label, result }) => [
        label,
        fixed(result.requests.average),
        `${fixed(result.latency.p50, 0)} ms`,
        `${fixed(result.latency.p99, 0)} ms`,
        String(result["2xx"]),
        String(result.non2xx),
        String(result.errors),
        String(result.timeouts),
      ]),
    ),
  );
  console.log("");
  console.log(`Ratio portal / baseline requests/s: ${fixed(ratio, 2)} (aim >= ${AIM_RATIO}: ${met})`);
  console.log(
    `Ratio delivery service without Next.js / baseline requests/s: ${fixed(serviceRatio, 2)} (the portal's own delivery work, lib/docus receiveDelivery, behind node:http: not a deployment, the floor without the framework)`,
  );
  console.log("");
  console.log(
    "Stored reports, counted in the database after each target's run (2xx = smoke test + warm-up + measured):",
  );
  console.log(
    table(
      ["target", "table", "rows", "2xx answers", "cut off", "2xx without row", "distinct PDFs", "check"],
      targets.map(({ label, tally, stored, warmup, result }, index) => [
        label,
        index === 0 ? "bench_baseline" : "interpretation_reports",
        String(stored.rows),
        `${tally.ok.size} (1 + ${warmup["2xx"]} + ${result["2xx"]})`,
        String(stored.storedUnanswered),
        String(stored.answeredWithoutRow),
        String(stored.distinctPdfs),
        storedCheck({ tally, stored, warmup, result, connections: context.connections }),
      ]),
    ),
  );
  console.log(
    "rows = 2xx answers + cut off: autocannon closes its connections at each phase's deadline, so up to one request per",
  );
  console.log(
    "connection and phase is stored without its answer being received. A 2xx without a row would be an unstored report.",
  );
  for (const { label, tally } of targets) {
    if (tally.duplicates > 0) console.log(`${label}: ${tally.duplicates} answers said duplicate.`);
    for (const refusal of tally.refusals) console.log(`${label}: non-2xx answer: ${refusal}`);
  }
  console.log("");
  console.log(
    `CPU during the measured run, % of one core (${cpus.length} cores: ${cpus.length * 100} % is the whole machine):`,
  );
  console.log(
    table(
      ["target", "server", "PostgreSQL backends", "load generator", "everything else", "machine busy"],
      targets.map(({ label, cpu }) => {
        const other =
          cpu.machine === null || cpu.server === null || cpu.postgres === null
            ? null
            : Math.max(0, cpu.machine * cpus.length - cpu.server - cpu.postgres - cpu.loadGenerator);
        return [
          label,
          `${fixed(cpu.server, 0)} %`,
          `${fixed(cpu.postgres, 0)} %`,
          `${fixed(cpu.loadGenerator, 0)} %`,
          `${fixed(other, 0)} %`,
          `${fixed(cpu.machine, 0)} % of ${cpus.length} cores`,
        ];
      }),
    ),
  );
  console.log(
    "PostgreSQL backends: those connected to the benchmark database. Everything else: PostgreSQL's own background",
  );
  console.log("processes, the kernel and any other work on the machine; much of it means the figures are disturbed.");
  console.log("These figures are informational: the benchmark does not fail on them.");
}

async function run(cleanup: Cleanup, onServer: (server: PortalServer | undefined) => void): Promise<void> {
  requireProductionBuild();
  const root = process.cwd();
  const duration = positiveInt("BENCH_DURATION", smokeOr(10, 1), 3600);
  const connections = positiveInt("BENCH_CONNECTIONS", smokeOr(10, 2), 1000);
  const cpuProfDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : null;
  const port = positiveInt("BENCH_PORT", 3400, 65535);
  const baselinePort = positiveInt("BENCH_BASELINE_PORT", 4400, 65535);
  const baseUrl = process.env.DATABASE_URL ?? "";
  if (!/^postgres(ql)?:\/\//.test(baseUrl)) {
    throw new SetupError(
      "The delivery benchmark needs PostgreSQL (the baseline writes to the portal's database): set DATABASE_URL=postgres://…",
    );
  }
  await assertPortFree(port, "BENCH_PORT");
  await assertPortFree(baselinePort, "BENCH_BASELINE_PORT");
  const loadAtStart = loadAverage();

  const token = randomToken;
  const credentials: DeliveryCredentials = {
    header: "x-api-key",
    sharedSecret: token(24),
    webhookSecret: `whsec_${randomBytes(24).toString("base64")}`,
  };
  const runTag = newRunTag();
  console.log(`Generating a ${PDF_BYTES / 1024} KB report PDF…`);
  const pdf = await variantReportPdf(PDF_BYTES);
  await checkGeneratedDeliveries(pdf, credentials, runTag);

  console.log("Preparing a fresh database…");
  const fresh = await freshPostgresDatabase(baseUrl, "bench_deliveries");
  cleanup.add("drop the benchmark database", fresh.drop);
  const database = `PostgreSQL ${fresh.version} at ${fresh.host}, database ${fresh.name} (both targets)`;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: fresh.url,
    NODE_ENV: "production",
    PORT: String(port),
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXTAUTH_SECRET: token(32),
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    NEXT_TELEMETRY_DISABLED: "1",
    DOCUS_DELIVERY_HEADER: credentials.header,
    DOCUS_DELIVERY_SECRET: credentials.sharedSecret,
    DOCUS_WEBHOOK_SECRET: credentials.webhookSecret,
    MAX_DELIVERY_MB: "30",
    // A Docus that is never called (port 9 is discard), so that no simulator starts.
    DOCUS_API_URL: "http://127.0.0.1:9",
    DOCUS_API_KEY: token(24),
    DOCUS_TEAM_ID: `team-${token(6)}`,
    DOCUS_AUTH_KEY: token(24),
  };
  runCli("migrate", [], env);
  runCli("lab-create", ["--name", "Bench", "--partner-lab-id", PARTNER_LAB_ID], env);

  const db = postgres(fresh.url, { max: 1, onnotice: () => {} });
  cleanup.add("close the benchmark's database connection", () => db.end({ timeout: 5 }));
  await db`create table bench_baseline (id uuid primary key default gen_random_uuid(), sha256 text not null, bytes bytea not null, reference_id text)`;
  cleanup.add("drop the bench_baseline table", async () => {
    await db`drop table if exists bench_baseline`;
  });

  // The reports a target stored: its factory's letter starts each reference id (BENCH-<letter>…).
  const reportsOf = (letter: string) => {
    const like = `BENCH-${letter}%`;
    return {
      count: async () =>
        (
          await db<
            { n: number }[]
          >`select count(*)::int as n from interpretation_reports where reference_id like ${like}`
        )[0]?.n ?? 0,
      referenceIds: async () =>
        (
          await db<
            { id: string }[]
          >`select reference_id as id from interpretation_reports where reference_id like ${like}`
        ).map((row) => row.id),
      distinctPdfs: async () =>
        (
          await db<{ n: number }[]>`
            select count(distinct d.sha256)::int as n
            from interpretation_reports r join documents d on d.id = r.document_id
            where r.reference_id like ${like}`
        )[0]?.n ?? 0,
    };
  };
  // A bare node:http server of scripts/bench/ on the baseline's port.
  // With BENCH_CPU_PROF, a process writes its V8 CPU profile into <folder>/<name> when it stops.
  const cpuProfArgs = (name: string) =>
    cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${path.join(cpuProfDir, name)}`] : [];
  const bareServer = (label: string, script: string, profileName: string) => () =>
    startServer(cleanup, {
      label,
      command: path.join(root, "node_modules", ".bin", "tsx"),
      args: [...cpuProfArgs(profileName), "--conditions=react-server", `scripts/bench/${script}`],
      env: { ...env, BENCH_BASELINE_PORT: String(baselinePort) },
      healthUrl: `http://127.0.0.1:${baselinePort}/health`,
      timeoutMs: 30_000,
    });
  const targets = [
    {
      label: "baseline (node:http)",
      factory: new DeliveryFactory(pdf, "B", runTag, credentials, PARTNER_LAB_ID),
      port: baselinePort,
      start: bareServer("baseline server", "deliveries-baseline.ts", "baseline"),
      count: async () => (await db<{ n: number }[]>`select count(*)::int as n from bench_baseline`)[0]?.n ?? 0,
      referenceIds: async () =>
        (await db<{ id: string }[]>`select reference_id as id from bench_baseline`).map((row) => row.id),
      distinctPdfs: async () =>
        (await db<{ n: number }[]>`select count(distinct sha256)::int as n from bench_baseline`)[0]?.n ?? 0,
    },
    {
      label: "portal (node scripts/serve.ts)",
      factory: new DeliveryFactory(pdf, "P", runTag, credentials, PARTNER_LAB_ID),
      port,
      start: () =>
        startServer(cleanup, {
          ...portalServerSpec({ ...env, RUN_WORKER: "0" }, port),
          ...(cpuProfDir ? { args: [...cpuProfArgs("portal"), path.join(root, "scripts", "serve.ts")] } : {}),
          label: "portal",
          timeoutMs: 60_000,
        }),
      ...reportsOf("P"),
    },
    {
      label: "delivery service without Next.js",
      factory: new DeliveryFactory(pdf, "S", runTag, credentials, PARTNER_LAB_ID),
      port: baselinePort,
      start: bareServer("delivery service", "deliveries-service.ts", "service"),
      ...reportsOf("S"),
    },
  ];

  const figures: TargetFigures[] = [];
  let checkpointSkipped = false;
  for (const target of targets) {
    console.log(`Starting the ${target.label} on port ${target.port}…`);
    const server = await target.start();
    onServer(server);
    const tally = newTally();
    await smokeTest(target.port, target.factory, tally);
    // Starts both targets with no dirty pages left by the previous one. CHECKPOINT needs
    // superuser (or pg_checkpoint) rights; without them the run goes on and says so.
    try {
      await db`checkpoint`;
    } catch {
      checkpointSkipped = true;
    }
    console.log(`  warm-up: ${WARMUP_SECONDS} s, ${connections} connections`);
    const warmup = await load(target.port, target.factory, tally, WARMUP_SECONDS, connections);
    console.log(`  measuring: ${duration} s, ${connections} connections`);
    const backends = async () =>
      (
        await db<
          { pid: number }[]
        >`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
      ).map((row) => row.pid);
    const before = cpuSnapshot(server.pid, await backends());
    const result = await load(target.port, target.factory, tally, duration, connections);
    const cpu = cpuShares(before, cpuSnapshot(server.pid, [...before.postgres.keys(), ...(await backends())]));
    console.log(`  ${result.requests.average.toFixed(1)} requests/s; counting the stored reports…`);
    const stored = await storedFigures(tally, target.count, target.referenceIds, target.distinctPdfs);
    await server.stop();
    onServer(undefined);
    figures.push({ label: target.label, result, warmup, tally, stored, cpu });
  }

  // The portal's text checks, left as jobs: a worker drains them.
  const pending = async () =>
    (await db<{ n: number }[]>`select count(*)::int as n from interpretation_reports where text_check is null`)[0]?.n ??
    0;
  const pendingAtStart = await pending();
  console.log(`Starting a worker for the ${pendingAtStart} pending text checks…`);
  const drainStarted = performance.now();
  const worker = spawn(
    path.join(root, "node_modules", ".bin", "tsx"),
    ["--conditions=react-server", "scripts/worker.ts"],
    {
      env,
      detached: true,
      stdio: "ignore",
    },
  );
  const stopWorker = async () => {
    if (worker.exitCode !== null || worker.pid === undefined) return;
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    process.kill(-worker.pid, "SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
    if (worker.exitCode === null) process.kill(-worker.pid, "SIGKILL");
  };
  cleanup.add("stop the worker", stopWorker);
  let left = pendingAtStart;
  const drainDeadline = Date.now() + smokeOr(600_000, 60_000);
  while (left > 0 && Date.now() < drainDeadline) {
    await sleep(250);
    left = await pending();
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  await stopWorker();
  const [checks] = await db<{ ok: number; other: number; not_checked: number }[]>`
    select count(*) filter (where text_check = 'ok')::int as ok,
           count(*) filter (where text_check = 'other_patient')::int as other,
           count(*) filter (where text_check = 'not_checked')::int as not_checked
    from interpretation_reports`;

  printReport(
    {
      database,
      pdfBytes: pdf.bytes.byteLength,
      bodyBytes: targets[0]?.factory.bodyBytes ?? 0,
      connections,
      duration,
      loadAtStart,
      checkpointSkipped,
    },
    figures,
  );
  console.log("");
  console.log(
    `Text checks (jobs, run by a separate worker after the portal's run): ${pendingAtStart} pending, ${left} left after ${drainSeconds.toFixed(1)} s (${fixed((pendingAtStart - left) / drainSeconds)} checks/s including the worker's start);`,
  );
  console.log(
    `          results: ${checks?.ok ?? 0} ok, ${checks?.other ?? 0} other patient, ${checks?.not_checked ?? 0} not checked.`,
  );
  if (cpuProfDir) console.log(`CPU profiles of the three servers: ${cpuProfDir}/{baseline,portal,service}`);
  // Every stored report gets checked, in a smoke run too (the checks drain at about 16 a second).
  if (left > 0) throw new Error(`${left} stored reports were never checked.`);
}

process.exit(await runBenchmark(run));
