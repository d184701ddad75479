import { performance } from "node:perf_hooks";
import { z } from "zod";
import { createLabResultSubmission } from "@/db/queries/lab-result-submissions";
import { createLab } from "@/db/queries/labs";
import { createUser } from "@/db/queries/users";
import { spacingMs, submitLabResult, type DocusCredentials } from "@/lib/docus";
import { createBoss } from "@/lib/jobs/boss";
import { enqueueSubmission, startSubmitWorker } from "@/lib/send";
import { newPatientSubmission } from "@/lib/testing/submission-input";
import { createTestDb } from "@/lib/testing/test-db";
import { createDocusSimulator } from "../docus-simulator/simulator.ts";
import { largeLabResultPdf } from "./lib/pdf";
import { sleep } from "./lib/portal";
import { describeMachine, loadAverage, loadAverageNote, ms, ratio, table } from "./lib/report";
import { Cleanup, positiveInt, runBenchmark } from "./lib/harness";

/**
 * `npm run bench:sends`: how fast queued sends drain to Docus at its rate limit. N lab
 * results (default 40, PDFs of 300 KB) are queued one after another, each in its own
 * transaction with its send job (as uploads do), while the portal's send worker
 * (lib/send/worker.ts, on pg-boss, with the shared Docus rate limiter in PostgreSQL)
 * runs; the clock runs from the first enqueue until the simulated Docus has accepted all N.
 *
 * Compared against the floor, (N - 1) times the limiter's spacing (the first request goes
 * at once, each later one a spacing after the one before), and against a baseline doing
 * the same N requests from a plain loop that sleeps out the same spacing (no queue, no
 * database). Prints the figures and ratios; exits 0 whatever they are.
 *
 * `--smoke`: 6 sends at 600 a minute, small PDFs. Environment: BENCH_SENDS (N),
 * BENCH_RATE_PER_MINUTE (default 100, Docus's published limit), DATABASE_URL (a fresh
 * database is made next to it; without it, an embedded PGlite in a temporary folder).
 */

const smoke = process.argv.includes("--smoke");
const sends = smoke ? 6 : positiveInt("BENCH_SENDS", 40, 500);
const perMinute = smoke ? 600 : positiveInt("BENCH_RATE_PER_MINUTE", 100, 6000);
const fileBytes = smoke ? 20 * 1024 : 300 * 1024;
const TIMEOUT_MS = 5 * 60_000;
// The send reads its limits from the environment (lib/env.ts), once.
process.env.DOCUS_RATE_PER_MINUTE = String(perMinute);
process.env.DOCUS_RATE_PER_HOUR = String(Math.max(sends * 4, 1000));

const creds = { apiKey: "bench-key-0123456789", teamId: "bench-team-0123", authKey: "bench-auth-0123456789" };
const listing = z.object({
  requests: z.array(z.object({ at: z.string(), reference_id: z.string().nullable(), status: z.number().nullable() })),
});

/** Until the last acceptance: from the start, from the first acceptance; and the gaps between acceptances. */
type Drain = { totalMs: number; spanMs: number; maxGapMs: number; longGaps: number };

/** Waits until the simulator has accepted `count` requests whose reference starts with `prefix`. */
async function accepted(simUrl: string, prefix: string, count: number, startedAt: number): Promise<Drain> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const body = listing.parse(await (await fetch(`${simUrl}/__sim/requests`)).json());
    const times = body.requests
      .filter((request) => request.status === 201 && request.reference_id?.startsWith(prefix))
      .map((request) => Date.parse(request.at));
    if (times.length >= count) {
      times.sort((a, b) => a - b);
      const gaps = times.slice(1).map((time, i) => time - (times[i] ?? time));
      const last = times[times.length - 1] ?? startedAt;
      return {
        totalMs: last - startedAt,
        spanMs: last - (times[0] ?? last),
        maxGapMs: Math.max(0, ...gaps),
        // A gap of more than one and a half spacings: a send that waited on something else.
        longGaps: gaps.filter((gap) => gap > 1.5 * spacingMs(perMinute)).length,
      };
    }
    if (Date.now() > deadline) throw new Error(`${prefix}: only ${times.length} of ${count} accepted in time.`);
    await sleep(25);
  }
}

async function run(cleanup: Cleanup): Promise<void> {
  const loadAtStart = loadAverage();
  const gap = spacingMs(perMinute);
  const floorMs = (sends - 1) * gap;

  const t = await createTestDb();
  cleanup.add("drop the benchmark's database", () => t.close());
  const sim = createDocusSimulator({
    ...creds,
    deliveryUrl: "http://127.0.0.1:9/unused",
    delayMs: 3_600_000,
    deliveryHeader: "x-api-key",
  });
  const simUrl = `http://127.0.0.1:${await sim.listen(0)}`;
  cleanup.add("stop the simulator", () => sim.close());
  const credentials: DocusCredentials = { apiUrl: simUrl, ...creds };

  const labId = (await createLab(t.db, { name: "Bench Lab", partnerLabId: "bench-lab" })).id;
  const userId = (
    await createUser(t.db, {
      email: "tech@bench.test",
      name: "Bench",
      passwordHash: "x",
      role: "technician",
      labIds: [labId],
    })
  ).id;
  console.log(`Generating ${sends} PDFs of ${fileBytes / 1024} KB…`);
  const pdfs = await Promise.all(Array.from({ length: sends }, (_, i) => largeLabResultPdf(fileBytes, `Bench ${i}`)));

  // Baseline: the same requests from a plain loop, one every `gap` ms.
  console.log(`Baseline: ${sends} requests from a loop, one every ${gap} ms…`);
  const baselineStart = Date.now();
  let next = performance.now();
  for (const [i, pdf] of pdfs.entries()) {
    await sleep(Math.max(0, next - performance.now()));
    next = performance.now() + gap;
    const outcome = await submitLabResult(
      credentials,
      {
        mode: "interpret",
        patientId: `B-${i}`,
        referenceId: `BASE-${i}`,
        partnerLabId: "bench-lab",
        notes: null,
        patientEmail: null,
        physicianEmail: null,
        file: { bytes: pdf, fileName: `base-${i}.pdf`, mimeType: "application/pdf" },
      },
      { timeoutMs: 30_000 },
    );
    if (outcome.kind !== "accepted") throw new Error(`The baseline's request ${i} was not accepted: ${outcome.kind}.`);
  }
  const baseline = await accepted(simUrl, "BASE-", sends, baselineStart);

  // The portal: its worker on pg-boss, the uploads' enqueue, the shared rate limiter.
  const boss = await createBoss(t.bossTarget, { sweepSeconds: 60 });
  cleanup.add("stop pg-boss", () => boss.stop({ graceful: false, timeout: 2_000 }));
  console.log(`Portal: ${sends} sends queued (each upload's transaction with its job), then the send worker starts…`);
  const queueStart = Date.now();
  for (const [i, pdf] of pdfs.entries()) {
    await createLabResultSubmission(
      t.db,
      newPatientSubmission({ labId, userId, patientId: `P-${i}`, sequence: i }, pdf, {
        accessionNumber: `PORTAL-${i}`,
      }),
      (tx, id) => enqueueSubmission(tx, id, 0, boss),
    );
  }
  const enqueuedMs = Date.now() - queueStart;
  const portalStart = Date.now();
  await startSubmitWorker(boss, { db: t.db, credentials, timeoutMs: 30_000 });
  const portal = await accepted(simUrl, "PORTAL-", sends, portalStart);

  console.log("");
  console.log(`Send drain benchmark: ${sends} queued sends, PDFs of ${fileBytes / 1024} KB${smoke ? " (smoke)" : ""}`);
  console.log(`Machine:  ${describeMachine()}; ${loadAverageNote(loadAtStart)}`);
  console.log(`Database: ${t.kind === "postgres" ? "PostgreSQL" : "embedded PGlite"}`);
  console.log(
    `Docus:    the simulator; rate limit ${perMinute} a minute, one request every ${gap} ms, so ${sends} sends take at least ${ms(floorMs)} (the floor)`,
  );
  console.log(`Portal:   ${sends} sends queued in ${ms(enqueuedMs)} (not counted), then timed from the worker's start`);
  console.log("");
  console.log(
    table(
      [
        "path",
        "start to last accepted",
        "first to last accepted",
        "ratio to the floor",
        "longest gap",
        "gaps > 1.5 spacings",
      ],
      [
        ["floor ((N - 1) x spacing)", ms(floorMs), ms(floorMs), "1.00", ms(gap), "0"],
        [
          "baseline (a loop sleeping the spacing)",
          ms(baseline.totalMs),
          ms(baseline.spanMs),
          ratio(baseline.totalMs, floorMs),
          ms(baseline.maxGapMs),
          String(baseline.longGaps),
        ],
        [
          "portal (pg-boss worker, shared limiter)",
          ms(portal.totalMs),
          ms(portal.spanMs),
          ratio(portal.totalMs, floorMs),
          ms(portal.maxGapMs),
          String(portal.longGaps),
        ],
        ["ratio portal / baseline", ratio(portal.totalMs, baseline.totalMs), ratio(portal.spanMs, baseline.spanMs), ""],
      ],
    ),
  );
  console.log("");
  if (!smoke)
    console.log(
      `Aim: within the floor plus 10 % (${ms(floorMs * 1.1)}): ${portal.totalMs <= floorMs * 1.1 ? "met" : "not met"}.`,
    );
  console.log("These figures are informational: the benchmark does not fail on them.");
}

process.exit(await runBenchmark((cleanup) => run(cleanup)));
