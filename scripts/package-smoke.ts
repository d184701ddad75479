import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import postgres from "postgres";
import { parseEnv } from "@/lib/env";
import { withDatabase } from "@/lib/testing/test-db";
import { labResultPdf } from "@/e2e/fixtures/pdfs";
import { portalEnv } from "@/e2e/fixtures/portal-process";
import { SignInPage } from "@/e2e/pages/sign-in-page";
import { UploadPage } from "@/e2e/pages/upload-page";
import { CHROMIUM_ARGS, chromiumPath } from "./lib/chromium";
import { startDocusSimulator } from "./docus-simulator/start";
import { getEnv, resetEnvCache } from "@/lib/env";

/**
 * `npm run package:smoke`: the packaged portal (`npm run package`, dist/portal) run as a
 * deployment runs it, on PostgreSQL. Packages (unless --no-package), checks that the
 * folder holds no development dependencies or test sources, migrates with a migration
 * role while the portal runs as a less privileged role, creates a lab and a technician
 * with the bundle's CLIs, starts the bundle's web server with RUN_WORKER=0 and the
 * bundle's `npm run worker` beside it (the split process model), checks liveness,
 * readiness and /metrics, sees a second web instance without
 * NEXT_SERVER_ACTIONS_ENCRYPTION_KEY refused, signs in in Chromium and uploads one PDF
 * to the simulated Docus (in this process), waits for the report, then stops both
 * processes with SIGTERM and expects clean exits. Needs DATABASE_URL (an owner role).
 * Ports: SMOKE_PORT (3260) and the three after it.
 */

const root = process.cwd();
const bundle = path.join(root, "dist", "portal");
const base = parseEnv(process.env).DATABASE_URL;
const PORT = Number(process.env.SMOKE_PORT ?? 3260);
const SIM_PORT = PORT + 1;
const SECOND_PORT = PORT + 2;
const WORKER_METRICS_PORT = PORT + 3;
const METRICS_TOKEN = "smoke-metrics-token-0123456789";
const RUNTIME_ROLE = "lab_portal_bundle_app";
const started = Date.now();
const children: ChildProcess[] = [];
const output = new Map<ChildProcess, string>();

function step(message: string): void {
  console.log(`[smoke ${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

function fail(message: string): never {
  throw new Error(message);
}

function npm(args: string[], env: NodeJS.ProcessEnv, cwd = bundle): string {
  const result = spawnSync("npm", ["--silent", ...args], { cwd, env, encoding: "utf8" });
  if (result.status !== 0) fail(`npm ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function startInBundle(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: bundle, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  output.set(child, "");
  const keep = (chunk: Buffer) => output.set(child, output.get(child) + chunk.toString());
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return child;
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms`)), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? -1);
    });
  });
}

async function waitFor(url: string, ok: (response: Response) => boolean, timeoutMs: number, init?: RequestInit) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, init);
      if (ok(response)) return response;
      last = `${response.status} ${await response.text()}`;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`${url} did not answer as expected within ${timeoutMs} ms (last: ${last})`);
}

/** The production dependencies only: none of the project's development tools is in the folder. */
function checkContents(): void {
  for (const devOnly of [
    "typescript",
    "vitest",
    "eslint",
    "prettier",
    "@playwright/test",
    "drizzle-kit",
    "fast-check",
  ]) {
    if (existsSync(path.join(bundle, "node_modules", devOnly)))
      fail(`the bundle holds a development dependency: ${devOnly}`);
  }
  for (const required of ["next", "pino", "prom-client", "tsx", "pg-boss"]) {
    if (!existsSync(path.join(bundle, "node_modules", required))) fail(`the bundle lacks ${required}`);
  }
  for (const absent of ["app", "components", "e2e", "scripts/docus-simulator", "scripts/bench", ".next/cache"]) {
    if (existsSync(path.join(bundle, absent))) fail(`the bundle holds ${absent}, which does not run`);
  }
  const tests = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? tests(path.join(dir, entry.name))
        : entry.name.endsWith(".test.ts")
          ? [path.join(dir, entry.name)]
          : [],
    );
  const found = ["lib", "db", "scripts"].flatMap((dir) => tests(path.join(bundle, dir)));
  if (found.length > 0) fail(`the bundle holds tests: ${found.join(", ")}`);
}

async function main(): Promise<void> {
  if (!base) fail("The bundle smoke test needs DATABASE_URL (PostgreSQL, a role that may create databases and roles).");
  if (!process.argv.includes("--no-package")) {
    step("npm run package");
    const result = spawnSync(process.execPath, ["scripts/package.ts"], { cwd: root, stdio: "inherit" });
    if (result.status !== 0) fail("npm run package failed");
  }
  checkContents();
  step("bundle contents: production dependencies only, no tests or unused sources");

  // A fresh database, owned by the connecting (migration) role; the portal runs as a role
  // that gets only the runtime grants.
  const dbName = `${new URL(base).pathname.slice(1) || "lab_portal"}_bundle`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.unsafe(`create database ${dbName}`);
  // A role left by an earlier run is dropped, so that the migrate step creates it afresh.
  await admin.unsafe(`drop role if exists ${RUNTIME_ROLE}`).catch(() => undefined);
  await admin.end();
  const ownerUrl = withDatabase(base, dbName);
  const runtime = new URL(ownerUrl);
  runtime.username = RUNTIME_ROLE;
  runtime.password = "bundle-app-password";
  const runtimeUrl = runtime.toString();

  const env = portalEnv(PORT, SIM_PORT, { DATABASE_URL: runtimeUrl });
  delete env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY;
  Object.assign(env, { METRICS_TOKEN, LOG_LEVEL: "info", NEXT_TELEMETRY_DISABLED: "1" });

  // As compose.yaml's one-shot migrate service: migrate as the owner, create and grant the runtime role.
  npm(["run", "db:migrate", "--", "--grant-runtime-role"], { ...env, MIGRATION_DATABASE_URL: ownerUrl });
  step("migrated as the migration role; the runtime role created with its grants");

  npm(["run", "lab:create", "--", "--name", "Bundle Lab", "--partner-lab-id", "e2e-lab-a"], env);
  const email = "bundle-tech@smoke.test";
  const password = "bundle-smoke-password-1";
  npm(
    [
      "run",
      "user:create",
      "--",
      "--email",
      email,
      "--password",
      password,
      "--role",
      "technician",
      "--lab",
      "Bundle Lab",
    ],
    env,
  );
  step("lab and technician created with the bundle's CLIs");

  // The simulated Docus, in this process, with the portal's credentials.
  Object.assign(process.env, { ...env, NODE_ENV: "development" });
  resetEnvCache();
  const simulator = await startDocusSimulator(getEnv());

  try {
    const web = startInBundle(process.execPath, ["scripts/serve.ts"], { ...env, RUN_WORKER: "0" });
    // As the bundle's `npm run worker` runs it, without npm in front (a signal reaches it).
    const worker = startInBundle(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"],
      {
        ...env,
        WORKER_METRICS_PORT: String(WORKER_METRICS_PORT),
      },
    );
    const url = `http://localhost:${PORT}`;
    await waitFor(`${url}/api/health/live`, (r) => r.ok, 60_000);
    const ready = await waitFor(`${url}/api/health/ready`, (r) => r.ok, 30_000);
    const readiness = (await ready.json()) as { checks: Record<string, string> };
    if (JSON.stringify(readiness.checks) !== JSON.stringify({ database: "ok", migrations: "ok", queue: "ok" }))
      fail(`unexpected readiness: ${JSON.stringify(readiness)}`);
    if ((await fetch(`${url}/metrics`)).status !== 401) fail("/metrics answered without the token");
    step("web instance (RUN_WORKER=0) live and ready; /metrics refuses a scrape without the token");

    // A second web instance on the same database without a shared server-actions key is refused.
    const second = startInBundle(process.execPath, ["scripts/serve.ts"], { ...env, PORT: String(SECOND_PORT) });
    const secondExit = await exitOf(second, 60_000);
    if (secondExit !== 1 || !output.get(second)!.includes("NEXT_SERVER_ACTIONS_ENCRYPTION_KEY"))
      fail(`a second instance without the key was not refused (exit ${secondExit}):\n${output.get(second)}`);
    step("a second instance without NEXT_SERVER_ACTIONS_ENCRYPTION_KEY refused to start");

    const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    try {
      const page = await (await browser.newContext({ baseURL: url })).newPage();
      const signIn = new SignInPage(page);
      await signIn.goto();
      await signIn.signIn(email, password);
      const upload = new UploadPage(page);
      await upload.goto();
      const file = await labResultPdf("bundle-smoke.pdf", "Smoke test SMOKEPAT-0001 SMOKEACC-0001");
      await upload.submit({
        patient: {
          patientId: "SMOKEPAT-0001",
          givenName: "Smokey",
          familyName: "Bundleson",
          birthDate: "1970-01-01",
          sex: "female",
        },
        accession: "SMOKEACC-0001",
        files: [file],
      });
      await upload.expectReportReady("bundle-smoke.pdf", 45_000);
    } finally {
      await browser.close();
    }
    step("signed in, uploaded one PDF, its report came back (sent by the separate worker)");

    const metricsOf = async (target: string) =>
      (await fetch(target, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const workerMetrics = await metricsOf(`http://127.0.0.1:${WORKER_METRICS_PORT}/metrics`);
    if (!/portal_docus_requests_total\{outcome="accepted"\} 1\b/.test(workerMetrics))
      fail("the worker's metrics do not show the one accepted send");
    const webMetrics = await metricsOf(`${url}/metrics`);
    for (const expected of [
      /portal_uploads_total\{outcome="queued"\} 1\b/,
      /portal_deliveries_total\{outcome="stored"\} 1\b/,
      /portal_http_requests_total\{method="GET",route="\/upload",status="200"\}/,
      /portal_queue_jobs\{queue="lab-result-submit",state="queued"\} 0/,
    ]) {
      if (!expected.test(webMetrics)) fail(`the web instance's metrics lack ${expected}`);
    }
    if (/portal_docus_requests_total\{/.test(webMetrics)) fail("the web instance (RUN_WORKER=0) sent to Docus");
    step("metrics: the worker sent, the web instance stored the upload and the delivery");

    web.kill("SIGTERM");
    worker.kill("SIGTERM");
    const [webExit, workerExit] = await Promise.all([exitOf(web, 30_000), exitOf(worker, 30_000)]);
    if (webExit !== 0 || workerExit !== 0) fail(`SIGTERM: web exited ${webExit}, worker ${workerExit}`);
    step("SIGTERM: both processes exited cleanly (0)");

    const logs = output.get(web)!;
    const requestLines = logs
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.event === "request");
    if (!requestLines.some((line) => line.route === "/upload" && typeof line.userId === "string"))
      fail("no JSON request line for /upload with the user's id");
    for (const patientData of ["SMOKEPAT-0001", "SMOKEACC-0001", "Smokey", "Bundleson", email]) {
      for (const [child, text] of output)
        if (text.includes(patientData)) fail(`process ${child.pid} logged patient data or an e-mail: ${patientData}`);
    }
    step(`logs: ${requestLines.length} JSON request lines, no patient data`);
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await simulator.close();
  }
  step("bundle smoke test passed");
}

try {
  await main();
  process.exit(0);
} catch (error) {
  for (const [child, text] of output) console.error(`--- output of process ${child.pid} ---\n${text.slice(-6000)}`);
  console.error(error instanceof Error ? error.message : error);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  process.exit(1);
}
