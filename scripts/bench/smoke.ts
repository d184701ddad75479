import { spawn } from "node:child_process";
import { discoverProjectBenches, type BenchScript } from "./smoke/discover";

/**
 * `npm run bench:smoke`: every `bench:*` script of package.json, found by itself
 * (scripts/bench/smoke/discover.ts), run with `--smoke` (a few iterations on a small data
 * set, no aims), so that a benchmark that no longer runs is found in CI. It prints each
 * one's time and exit code and fails when any benchmark is refused (no --smoke) or exits
 * non-zero. It runs on the existing production build and on DATABASE_URL's PostgreSQL
 * (each benchmark makes its own database next to it).
 *
 * Environment: BENCH_SMOKE_JOBS (benchmarks at once, default 3: each has ports of its own
 * and a database of its own), BENCH_SMOKE_TIMEOUT (seconds per
 * benchmark, default 180), BENCH_SMOKE_ONLY (comma-separated script names, to run a few).
 */

type Outcome = { name: string; code: number | string; seconds: number; tail: string };

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of 1 or more.`);
  return value;
}

function runOne(bench: BenchScript, timeoutSeconds: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", bench.name, "--", "--smoke"], {
      env: process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    const keep = (prefix: string) => (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        console.log(`[${bench.name}]${prefix} ${line}`);
        lines.push(line);
        if (lines.length > 40) lines.shift();
      }
    };
    child.stdout.on("data", keep(""));
    child.stderr.on("data", keep(" !"));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // Already gone.
        }
        setTimeout(() => {
          try {
            if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
          } catch {
            // Already gone.
          }
        }, 15_000).unref();
      }
    }, timeoutSeconds * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        name: bench.name,
        code: timedOut ? `timed out after ${timeoutSeconds} s` : (code ?? signal ?? "unknown"),
        seconds: (performance.now() - started) / 1000,
        tail: lines.slice(-15).join("\n"),
      });
    });
  });
}

/** The smoke runs known to be long, longest first; the rest follow in name order. */
const LONG_SMOKE_RUNS = ["bench:batch", "bench:deliveries", "bench:memory", "bench:upload"];

function smokeRank(name: string): number {
  const rank = LONG_SMOKE_RUNS.indexOf(name);
  return rank === -1 ? LONG_SMOKE_RUNS.length : rank;
}

async function main(): Promise<number> {
  const jobs = intFromEnv("BENCH_SMOKE_JOBS", 3);
  const timeoutSeconds = intFromEnv("BENCH_SMOKE_TIMEOUT", 180);
  const only = (process.env.BENCH_SMOKE_ONLY ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const { benches, refused } = discoverProjectBenches();
  for (const refusal of refused) console.error(`bench:smoke: refused ${refusal.name}: ${refusal.reason}`);
  const unknown = only.filter((name) => !benches.some((bench) => bench.name === name));
  if (unknown.length > 0)
    console.error(`bench:smoke: BENCH_SMOKE_ONLY names no runnable benchmark: ${unknown.join(", ")}`);
  const selected = only.length > 0 ? benches.filter((bench) => only.includes(bench.name)) : benches;
  console.log(`bench:smoke: ${selected.map((bench) => bench.name).join(", ")} (${jobs} at a time)`);

  const started = performance.now();
  const outcomes: Outcome[] = [];
  // Longest first, so that no long run is left alone at the end: the smoke runs that start a
  // portal and a browser or a load generator take 25-40 s, the others 5-10 s (measured).
  const queue = [...selected].sort((a, b) => smokeRank(a.name) - smokeRank(b.name));
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let bench = queue.shift(); bench; bench = queue.shift()) {
        const outcome = await runOne(bench, timeoutSeconds);
        console.log(`bench:smoke: ${outcome.name} exited ${outcome.code} in ${outcome.seconds.toFixed(1)} s`);
        outcomes.push(outcome);
      }
    }),
  );
  const total = (performance.now() - started) / 1000;

  console.log("");
  console.log("bench:smoke summary (smoke runs: the figures above mean nothing, only that each benchmark runs)");
  for (const outcome of [...outcomes].sort((a, b) => a.name.localeCompare(b.name))) {
    console.log(
      `  ${outcome.name.padEnd(24)} ${outcome.seconds.toFixed(1).padStart(6)} s  ${outcome.code === 0 ? "ok" : `FAILED (${outcome.code})`}`,
    );
  }
  for (const refusal of refused) console.log(`  ${refusal.name.padEnd(24)}      -    REFUSED (${refusal.reason})`);
  console.log(`  total ${total.toFixed(1)} s`);
  const failed = outcomes.filter((outcome) => outcome.code !== 0);
  for (const outcome of failed)
    console.error(`\n${outcome.name} failed (${outcome.code}); its last lines:\n${outcome.tail}`);
  return failed.length > 0 || refused.length > 0 || unknown.length > 0 ? 1 : 0;
}

process.exit(
  await main().catch((error: unknown) => {
    console.error(`bench:smoke could not run: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }),
);
