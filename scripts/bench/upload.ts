import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { recordUploadAction } from "./lib/browser";
import { largeLabResultPdf } from "./lib/pdf";
import type { PortalServer } from "./lib/portal";
import {
  describeMachine,
  loadAverage,
  loadAverageNote,
  median,
  megabytes,
  ms,
  ratio,
  table,
  verdict,
} from "./lib/report";
import { MB, highWaterMark, processTree, resetHighWaterMark, settledRss, treeRss, withPeakRss } from "./lib/rss";
import { baselineUpload, portalUpload, type PortalTarget, type Upload } from "./lib/uploads";
import { Cleanup, positiveInt, requireProductionBuild, runBenchmark } from "./lib/harness";
import { prepareUploadStack, uploadBenchSettings } from "./lib/upload-stack";
import { SMOKE } from "./lib/smoke";

/**
 * `npm run bench:upload`: a 10 MB lab-result PDF through the portal's upload route (POST /api/uploads)
 * (timed until it answers "queued": stored and enqueued), against a bare node:http
 * baseline doing the same work in the same database (scripts/bench/upload-baseline.ts:
 * multipart parse, store bytes and row, enqueue a pg-boss job), plus the servers' memory
 * growth. Both workers then send the files to the Docus simulator. It prints the figures
 * and exits 0 whatever they are; it exits non-zero only when the benchmark could not run.
 *
 * `--smoke`: one warm-up and one timed run of a 1 MB file, no concurrent run, no aims (it
 * only shows that the benchmark runs).
 *
 * Environment: BENCH_RUNS (timed runs of each path, default 5), BENCH_PORT (portal, 3300),
 * BENCH_BASELINE_PORT (baseline, 4301), BENCH_SIM_PORT (simulator, 4300), CHROMIUM_PATH
 * (default /usr/bin/chromium), and DATABASE_URL (PostgreSQL; the baseline needs it).
 */

const FILE_BYTES = SMOKE ? 1 * MB : 10 * MB;
const WARMUP_RUNS = SMOKE ? 1 : 2;
const CONCURRENCY = SMOKE ? 0 : 4;
const SAMPLE_INTERVAL_MS = 20;
/** How long the server is left idle before a baseline RSS is read. */
const SETTLE_MS = 2000;
const AIM_RATIO = 1.5;
/** The aim for each timed run's peak RSS growth over the RSS just before it. */
const AIM_GROWTH_MB = 40;

type Figures = {
  portalMs: number[];
  baselineMs: number[];
  rssAtStart: number | null;
  rssBeforeTimed: number | null;
  peakSequential: number | null;
  hwmSequential: number | null;
  rssBeforeConcurrent: number | null;
  peakConcurrent: number | null;
  hwmConcurrent: number | null;
  concurrentWallMs: number;
  serverPids: number[];
  baselineRssBefore: number | null;
  baselinePeak: number | null;
  /** Each timed portal run's peak RSS growth over the server's RSS just before it. */
  runGrowth: Array<number | null>;
};

function growth(peak: number | null, before: number | null): number | null {
  return peak === null || before === null ? null : peak - before;
}

function printReport(
  context: { database: string; fileBytes: number; runs: number; loadAtStart: number },
  figures: Figures,
): void {
  const portal = median(figures.portalMs);
  const baseline = median(figures.baselineMs);
  const sequentialGrowth = growth(figures.peakSequential, figures.rssBeforeTimed);
  const concurrentGrowth = growth(figures.peakConcurrent, figures.rssBeforeConcurrent);
  const perConcurrentUpload = concurrentGrowth === null || CONCURRENCY === 0 ? null : concurrentGrowth / CONCURRENCY;
  const known = figures.runGrowth.filter((g): g is number => g !== null);
  const worstRun = known.length > 0 ? Math.max(...known) : null;
  const list = (values: number[]) => values.map((value) => value.toFixed(0)).join(", ");

  console.log("");
  console.log("Upload benchmark (MB = 2^20 bytes)");
  console.log(`Machine:  ${describeMachine({ withOs: true })}`);
  console.log(`          ${loadAverageNote(context.loadAtStart)}`);
  console.log(`Database: ${context.database}`);
  console.log(
    `File:     ${megabytes(context.fileBytes)} PDF (${context.fileBytes} bytes); ${WARMUP_RUNS} warm-up and ${context.runs} timed runs of each path, alternating`,
  );
  console.log(
    `Servers:  portal \`node scripts/serve.ts\`, pid ${figures.serverPids.join(", ")}; baseline node:http (busboy, postgres.js, pg-boss); RSS sampled every ${SAMPLE_INTERVAL_MS} ms`,
  );
  console.log("");
  console.log(
    table(
      ["figure", "value", "aim", "result"],
      [
        ['median, portal (POST /api/uploads until "queued")', ms(portal), "", ""],
        ["median, baseline (node:http: parse, store, enqueue)", ms(baseline), "", ""],
        [
          "ratio portal / baseline",
          ratio(portal, baseline),
          SMOKE ? "" : `<= ${AIM_RATIO}`,
          SMOKE ? "" : verdict(portal / baseline, AIM_RATIO),
        ],
        [
          `portal peak RSS growth, one ${megabytes(context.fileBytes)} upload, worst run`,
          megabytes(worstRun),
          SMOKE ? "" : `<= ${AIM_GROWTH_MB} MB each run`,
          SMOKE ? "" : verdict(worstRun === null ? null : worstRun / MB, AIM_GROWTH_MB),
        ],
        ["portal peak RSS growth over all timed runs", megabytes(sequentialGrowth), "", ""],
        ...(CONCURRENCY > 0
          ? [
              [
                `RSS growth per upload, ${CONCURRENCY} concurrent`,
                megabytes(perConcurrentUpload),
                `<= ${AIM_GROWTH_MB} MB`,
                verdict(perConcurrentUpload === null ? null : perConcurrentUpload / MB, AIM_GROWTH_MB),
              ],
            ]
          : []),
      ],
    ),
  );
  console.log("");
  console.log(`Portal runs (ms):   ${list(figures.portalMs)}`);
  console.log(`Baseline runs (ms): ${list(figures.baselineMs)}`);
  console.log(
    `Portal peak RSS growth per timed run (MB): ${figures.runGrowth.map((g) => (g === null ? "unknown" : (g / MB).toFixed(1))).join(", ")}`,
  );
  console.log(
    `Baseline server RSS: ${megabytes(figures.baselineRssBefore)} before the timed runs, peak ${megabytes(figures.baselinePeak)} during them (growth ${megabytes(growth(figures.baselinePeak, figures.baselineRssBefore))})`,
  );
  console.log(
    `Portal server RSS: ${megabytes(figures.rssAtStart)} when started, ${megabytes(figures.rssBeforeTimed)} before the timed runs, peak ${megabytes(figures.peakSequential)} during them (kernel high-water mark ${megabytes(figures.hwmSequential)})`,
  );
  if (CONCURRENCY > 0)
    console.log(
      `Concurrent run: ${CONCURRENCY} uploads in ${ms(figures.concurrentWallMs)}; RSS ${megabytes(figures.rssBeforeConcurrent)} before, peak ${megabytes(figures.peakConcurrent)} (kernel high-water mark ${megabytes(figures.hwmConcurrent)}), growth ${megabytes(concurrentGrowth)} in all`,
    );
  console.log(
    SMOKE
      ? "Smoke run (--smoke): a small file and one run; the figures say only that the benchmark runs."
      : "These figures are informational: the benchmark does not fail on them.",
  );
}

async function run(cleanup: Cleanup, onServer: (server: PortalServer) => void): Promise<void> {
  requireProductionBuild();
  const loadAtStart = loadAverage();
  const runs = SMOKE ? 1 : positiveInt("BENCH_RUNS", 5, 1000);
  const { port, simPort, baselinePort, chromiumPath } = await uploadBenchSettings({
    port: 3300,
    simPort: 4300,
    baselinePort: 4301,
  });

  const filesDir = mkdtempSync(path.join(os.tmpdir(), "lab-portal-bench-"));
  cleanup.add("remove the benchmark files", () => rmSync(filesDir, { recursive: true, force: true }));
  console.log(`Generating a ${megabytes(FILE_BYTES)} PDF…`);
  const largePath = path.join(filesDir, "lab-result-10mb.pdf");
  // Every upload is for one patient whose id the PDFs name, so that the wrong-patient guard lets them go.
  const tag = Date.now().toString(36);
  const patientId = `BENCH-${tag}`;
  const largeBytes = await largeLabResultPdf(FILE_BYTES, `Patient ID: ${patientId}`);
  writeFileSync(largePath, largeBytes);
  const smallPath = path.join(filesDir, "recording.pdf");
  writeFileSync(smallPath, await largeLabResultPdf(64 * 1024, `Patient ID: ${patientId}`));

  const stack = await prepareUploadStack(cleanup, {
    benchmark: "upload",
    port,
    simPort,
    baselinePort,
    env: { MAX_UPLOAD_MB: "20" },
  });
  const { baseUrl, account, database } = stack;

  console.log(`Starting the portal (node scripts/serve.ts) on port ${port}…`);
  const server = await stack.startPortal(onServer);
  const serverPids = processTree(server.pid);
  const rssAtStart = await settledRss(server.pid, SETTLE_MS);
  if (rssAtStart === null) console.log("The server's memory cannot be read on this system (it needs Linux /proc).");

  const upload = (kind: string, n: number): Upload => ({
    filePath: largePath,
    accession: `BENCH-${tag}-${kind}${n}`,
    patientId,
  });

  console.log("Recording the upload action with Chromium…");
  const recorded = await recordUploadAction({
    baseUrl,
    chromiumPath,
    email: account.email,
    password: account.password,
    pdfPath: smallPath,
    accession: `BENCH-${tag}-REC`,
    patientId,
  });
  const target: PortalTarget = { baseUrl, ...recorded };

  console.log(`Starting the baseline (node:http) on port ${baselinePort}…`);
  const baselineServer = await stack.startBaseline(baselinePort);
  const baselineUrl = `http://127.0.0.1:${baselinePort}`;

  const measured = await measure(
    server.pid,
    runs,
    {
      portal: (kind, n) => portalUpload(target, upload(kind, n)),
      baseline: (kind, n) => baselineUpload(baselineUrl, upload(kind, n)),
    },
    baselineServer.pid,
  );
  printReport(
    { database: database.description, fileBytes: largeBytes.byteLength, runs, loadAtStart },
    { ...measured, rssAtStart, serverPids },
  );
}

type Paths = Record<"portal" | "baseline", (kind: string, n: number) => Promise<number>>;

/** Warm-up, the alternating timed runs with the server's RSS sampled, then the concurrent run. */
async function measure(
  serverPid: number,
  runs: number,
  paths: Paths,
  baselinePid: number,
): Promise<Omit<Figures, "rssAtStart" | "serverPids">> {
  console.log(`Warming up (${WARMUP_RUNS} runs of each path)…`);
  for (let i = 1; i <= WARMUP_RUNS; i++) {
    await paths.portal("W", i);
    await paths.baseline("WB", i);
  }

  const rssBeforeTimed = await settledRss(serverPid, SETTLE_MS);
  const baselineRssBefore = treeRss(baselinePid);
  let baselinePeak: number | null = null;
  const canResetSequential = resetHighWaterMark(serverPid);
  const portalMs: number[] = [];
  const baselineMs: number[] = [];
  let peakSequential: number | null = null;
  const runGrowth: Array<number | null> = [];
  for (let i = 1; i <= runs; i++) {
    const before = treeRss(serverPid);
    const portal = await withPeakRss(serverPid, SAMPLE_INTERVAL_MS, () => paths.portal("P", i));
    runGrowth.push(growth(portal.peak, before));
    if (portal.peak !== null && (peakSequential === null || portal.peak > peakSequential)) peakSequential = portal.peak;
    const measuredBaseline = await withPeakRss(baselinePid, SAMPLE_INTERVAL_MS, () => paths.baseline("B", i));
    if (measuredBaseline.peak !== null && (baselinePeak === null || measuredBaseline.peak > baselinePeak))
      baselinePeak = measuredBaseline.peak;
    const baseline = measuredBaseline.result;
    portalMs.push(portal.result);
    baselineMs.push(baseline);
    console.log(`  run ${i}/${runs}: portal ${ms(portal.result)}, baseline ${ms(baseline)}`);
  }
  const hwmSequential = canResetSequential ? highWaterMark(serverPid) : null;

  if (CONCURRENCY > 0) console.log(`Concurrent run (${CONCURRENCY} uploads at once)…`);
  const rssBeforeConcurrent = await settledRss(serverPid, SETTLE_MS);
  const canResetConcurrent = resetHighWaterMark(serverPid);
  const started = performance.now();
  const concurrent = await withPeakRss(serverPid, SAMPLE_INTERVAL_MS, () =>
    Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => paths.portal("C", i + 1))),
  );
  const concurrentWallMs = performance.now() - started;
  const hwmConcurrent = canResetConcurrent ? highWaterMark(serverPid) : null;

  return {
    portalMs,
    baselineMs,
    rssBeforeTimed,
    peakSequential,
    hwmSequential,
    rssBeforeConcurrent,
    peakConcurrent: concurrent.peak,
    hwmConcurrent,
    concurrentWallMs,
    baselineRssBefore,
    baselinePeak,
    runGrowth,
  };
}

process.exit(await runBenchmark(run));
