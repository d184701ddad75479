import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { z } from "zod";
import { spacingMs } from "@/lib/docus";
import { getEnv } from "@/lib/env";
import { largeLabResultPdf } from "./lib/pdf";
import { fillNewPatientUpload, launchChromium, signIn, type Account } from "./lib/browser";
import { sleep, type PortalServer } from "./lib/portal";
import { describeMachine, loadAverage, loadAverageNote, ms, ratio, table, verdict } from "./lib/report";
import { baselineUpload, type Upload } from "./lib/uploads";
import { Cleanup, positiveInt, requireProductionBuild, runBenchmark } from "./lib/harness";
import { prepareUploadStack, uploadBenchSettings } from "./lib/upload-stack";
import { SMOKE } from "./lib/smoke";

/**
 * `npm run bench:batch`: 40 generated 300 KB PDFs for one new patient through the real
 * upload page in Chromium, timed from the click on "Send to Docus" until all 40 are stored
 * (their lab results committed, queued) and until all 40 are accepted by the simulated
 * Docus (its GET /__sim/requests listing); against the bare node:http baseline
 * (scripts/bench/upload-baseline.ts) posting the same 40 files, as many at a time as the
 * page does (each file is one request to the upload route, POST /api/uploads), which stores, enqueues and sends them itself with the same spacing between Docus
 * requests. It prints the figures and exits 0 whatever they are.
 *
 * `--smoke`: 4 files, no aims (it only shows that the benchmark runs).
 *
 * Environment: BENCH_FILES (default 40), BENCH_PORT (portal, 3302), BENCH_SIM_PORT
 * (simulator, 4302), BENCH_BASELINE_PORT (baseline, 4303), CHROMIUM_PATH (default
 * /usr/bin/chromium), DATABASE_URL (PostgreSQL, required), DOCUS_RATE_PER_MINUTE (the
 * portal's Docus rate limit, default 100 a minute; the baseline keeps the same spacing).
 */

const FILE_BYTES = 300 * 1024;
/** The upload page's uploads in flight at once (MAX_IN_FLIGHT in components/upload/use-upload-queue.ts). */
const PAGE_CONCURRENCY = 4;
/** The aim: all 40 stored in at most this many times the baseline's time. */
const AIM_STORED_RATIO = 2;
const POLL_MS = 50;
const TIMEOUT_MS = 10 * 60_000;

const simListing = z.object({
  requests: z.array(z.object({ reference_id: z.string().nullable(), status: z.number().nullable() })),
});

type Timing = { storedMs: number; acceptedMs: number };

/** Polls until `count()` reaches `target`; the time since `started`. */
async function timeUntil(started: number, target: number, count: () => Promise<number>, what: string): Promise<number> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const n = await count();
    if (n >= target) return performance.now() - started;
    if (Date.now() > deadline) throw new Error(`${what}: only ${n} of ${target} after ${TIMEOUT_MS / 1000} s.`);
    await sleep(POLL_MS);
  }
}

async function acceptedBySimulator(simUrl: string, referenceId: string): Promise<number> {
  const response = await fetch(`${simUrl}/__sim/requests`);
  const listing = simListing.parse(await response.json());
  return listing.requests.filter((request) => request.reference_id === referenceId && request.status === 201).length;
}

async function run(cleanup: Cleanup, onServer: (server: PortalServer) => void): Promise<void> {
  requireProductionBuild();
  const loadAtStart = loadAverage();
  const files = SMOKE ? 4 : positiveInt("BENCH_FILES", 40, 500);
  const { port, simPort, baselinePort, chromiumPath } = await uploadBenchSettings({
    port: 3302,
    simPort: 4302,
    baselinePort: 4303,
  });

  const tag = Date.now().toString(36).toUpperCase();
  const portalAccession = `BATCH-${tag}-P`;
  const baselineAccession = `BATCH-${tag}-B`;

  const filesDir = mkdtempSync(path.join(os.tmpdir(), "lab-portal-batch-"));
  cleanup.add("remove the benchmark files", () => rmSync(filesDir, { recursive: true, force: true }));
  console.log(`Generating ${files} PDFs of 300 KB…`);
  const paths: string[] = [];
  for (let i = 1; i <= files; i++) {
    const file = path.join(filesDir, `batch-${String(i).padStart(2, "0")}.pdf`);
    // The portal's upload uses its accession as the patient id too: the text names that
    // patient, so that the wrong-patient guard lets the files go.
    writeFileSync(file, await largeLabResultPdf(FILE_BYTES, `Patient ID: ${portalAccession}`));
    paths.push(file);
  }

  const stack = await prepareUploadStack(cleanup, { benchmark: "batch", port, simPort, baselinePort });
  const { baseUrl, simUrl, account, database } = stack;
  const sql = postgres(database.env.DATABASE_URL ?? "", { max: 2, onnotice: () => {} });
  cleanup.add("close the benchmark's database connection", () => sql.end({ timeout: 5 }));

  console.log(
    `Starting the portal (node scripts/serve.ts) on port ${port} and the baseline (node:http) on port ${baselinePort}…`,
  );
  await stack.startPortal(onServer);
  await stack.startBaseline(baselinePort);

  console.log(`Portal: ${files} files through the upload page in Chromium…`);
  const portal = await portalBatch(
    { baseUrl, chromiumPath, account, paths, accession: portalAccession },
    async (started) => {
      const storedMs = await timeUntil(
        started,
        files,
        async () => {
          const [row] = await sql<
            { n: number }[]
          >`select count(*)::int as n from lab_results where accession_number = ${portalAccession}`;
          return row?.n ?? 0;
        },
        "portal, stored",
      );
      console.log(`  all stored after ${ms(storedMs)}`);
      const [held] = await sql<{ n: number }[]>`select count(*)::int as n from lab_results
        where accession_number = ${portalAccession} and status = 'needs_confirmation'`;
      if (held?.n)
        throw new Error(`The wrong-patient guard held ${held.n} of the ${files} files: they are never sent.`);
      const acceptedMs = await timeUntil(
        started,
        files,
        () => acceptedBySimulator(simUrl, portalAccession),
        "portal, accepted by the simulator",
      );
      console.log(`  all accepted after ${ms(acceptedMs)}`);
      return { storedMs, acceptedMs };
    },
  );
  const [portalRows] = await sql<
    { n: number }[]
  >`select count(*)::int as n from lab_results where accession_number = ${portalAccession} and status = 'accepted'`;

  console.log(`Baseline: the same ${files} files posted to the node:http server, ${PAGE_CONCURRENCY} at a time…`);
  const baselineTiming = await baselineBatch(
    `http://127.0.0.1:${baselinePort}`,
    paths,
    // The same patient id as the portal's (the PDFs name it), under the baseline's own accession.
    { accession: baselineAccession, patientId: portalAccession },
    async (started) => {
      const acceptedMs = await timeUntil(
        started,
        files,
        () => acceptedBySimulator(simUrl, baselineAccession),
        "baseline, accepted by the simulator",
      );
      return acceptedMs;
    },
  );
  console.log(`  all stored after ${ms(baselineTiming.storedMs)}, all accepted after ${ms(baselineTiming.acceptedMs)}`);

  const perMinute = getEnv().DOCUS_RATE_PER_MINUTE;
  const gap = spacingMs(perMinute);
  console.log("");
  console.log(`Batch upload benchmark: ${files} PDFs of ${FILE_BYTES / 1024} KB for one new patient`);
  console.log(`Machine:  ${describeMachine()}; ${loadAverageNote(loadAtStart)}`);
  console.log(`Database: ${database.description}`);
  console.log(
    `Docus:    the simulator; rate limit ${perMinute} a minute, i.e. one request every ${gap} ms (both paths), so ${files} sends take at least ${ms((files - 1) * gap)}`,
  );
  console.log("");
  console.log(
    table(
      ["path", "all stored (queued)", "all accepted by the simulator"],
      [
        ["portal (upload page in Chromium, from the click)", ms(portal.storedMs), ms(portal.acceptedMs)],
        [
          `baseline (node:http, ${PAGE_CONCURRENCY} posts at a time)`,
          ms(baselineTiming.storedMs),
          ms(baselineTiming.acceptedMs),
        ],
        [
          "ratio portal / baseline",
          ratio(portal.storedMs, baselineTiming.storedMs),
          ratio(portal.acceptedMs, baselineTiming.acceptedMs),
        ],
      ],
    ),
  );
  console.log("");
  console.log(`Portal lab results accepted in the database: ${portalRows?.n ?? 0} of ${files}.`);
  if (!SMOKE)
    console.log(
      `Aim: all stored in at most ${AIM_STORED_RATIO}x the baseline: ${verdict(portal.storedMs / baselineTiming.storedMs, AIM_STORED_RATIO)} (${ratio(portal.storedMs, baselineTiming.storedMs)}).`,
    );
  console.log(
    SMOKE
      ? "Smoke run (--smoke): 4 files; the figures say only that the benchmark runs."
      : "These figures are informational: the benchmark does not fail on them.",
  );
}

type BatchOptions = {
  baseUrl: string;
  chromiumPath: string;
  account: Account;
  paths: string[];
  accession: string;
};

/**
 * Signs in, fills the upload page for one new patient, chooses all the files, waits until
 * the page has checked them all, clicks "Send to Docus" and hands the click's time to
 * `measure`; checks that the page shows every file accepted in the end.
 */
async function portalBatch(options: BatchOptions, measure: (started: number) => Promise<Timing>): Promise<Timing> {
  const browser = await launchChromium(options.chromiumPath);
  try {
    const context = await browser.newContext({ baseURL: options.baseUrl });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await signIn(page, options.account);
    await fillNewPatientUpload(page, {
      patientId: options.accession,
      givenName: "Bench",
      familyName: "Batch",
      birthDate: "1980-01-01",
      accession: options.accession,
      files: options.paths,
    });
    const rows = page.getByRole("list", { name: "Chosen files" }).getByRole("listitem");
    const ready = rows.getByText("Ready", { exact: true });
    const deadline = Date.now() + 60_000;
    while ((await ready.count()) < options.paths.length) {
      if (Date.now() > deadline)
        throw new Error(`The upload page checked only ${await ready.count()} of ${options.paths.length} files.`);
      await sleep(100);
    }

    // Where each file's time goes: the route's Server-Timing (body read, upload service),
    // and the whole request as the page saw it.
    const perFile: Array<{ total: number; body: number; upload: number }> = [];
    page.on("requestfinished", (request) => {
      if (new URL(request.url()).pathname !== "/api/uploads") return;
      void request
        .response()
        .then(async (response) => {
          const header = (await response?.allHeaders())?.["server-timing"] ?? "";
          const phase = (name: string) => Number(new RegExp(`${name};dur=([0-9.]+)`).exec(header)?.[1] ?? NaN);
          perFile.push({ total: request.timing().responseEnd, body: phase("body"), upload: phase("upload") });
        })
        .catch(() => undefined);
    });
    const started = performance.now();
    await page.getByRole("button", { name: "Send to Docus" }).click();
    const timing = await measure(started);
    const accepted = rows.getByText("Accepted", { exact: true });
    const shown = Date.now() + 60_000;
    while ((await accepted.count()) < options.paths.length) {
      if (Date.now() > shown)
        throw new Error(
          `The upload page shows only ${await accepted.count()} of ${options.paths.length} files accepted.`,
        );
      await sleep(200);
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    console.log(
      `  per file (mean of ${perFile.length} requests to /api/uploads): ${ms(mean(perFile.map((f) => f.total)))} from request to answer in the page, of which on the server ${ms(mean(perFile.map((f) => f.body)))} reading the body and ${ms(mean(perFile.map((f) => f.upload)))} in the upload service (checks, hash, duplicate check, guard's text check in the parse workers, store and queue)`,
    );
    return timing;
  } finally {
    await browser.close();
  }
}

/** Posts the files to the baseline, `PAGE_CONCURRENCY` at a time; stored = every post answered "queued". */
async function baselineBatch(
  baselineUrl: string,
  paths: string[],
  { accession, patientId }: { accession: string; patientId: string },
  accepted: (started: number) => Promise<number>,
): Promise<Timing> {
  const started = performance.now();
  const pending = [...paths];
  const post = async () => {
    for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
      const upload: Upload = { filePath: file, accession, patientId };
      await baselineUpload(baselineUrl, upload);
    }
  };
  const acceptedMs = accepted(started);
  // Awaited below; a failure before then must not go unhandled.
  acceptedMs.catch(() => undefined);
  await Promise.all(Array.from({ length: PAGE_CONCURRENCY }, post));
  const storedMs = performance.now() - started;
  return { storedMs, acceptedMs: await acceptedMs };
}

process.exit(await runBenchmark(run));
