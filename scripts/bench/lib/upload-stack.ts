import { randomBytes } from "node:crypto";
import { createDocusSimulator } from "@/scripts/docus-simulator/simulator";
import type { Account } from "./browser";
import { Cleanup, SetupError, assertPortFree, positiveInt, randomToken, requireChromium } from "./harness";
import {
  createBenchDatabase,
  runCli,
  startPortal,
  startUploadBaseline,
  type BenchDatabase,
  type PortalServer,
} from "./portal";

/**
 * What the upload benchmarks (bench:upload, bench:batch) share: their ports and Chromium,
 * a fresh database set up with the project's CLIs (a lab and a technician), the Docus
 * simulator, the portal, and the node:http baseline, each stopped again by `cleanup`.
 */

export type UploadBenchPorts = { port: number; simPort: number; baselinePort: number };

/** BENCH_PORT, BENCH_SIM_PORT and BENCH_BASELINE_PORT (free, else a SetupError), and Chromium. */
export async function uploadBenchSettings(
  defaults: UploadBenchPorts,
): Promise<UploadBenchPorts & { chromiumPath: string }> {
  const port = positiveInt("BENCH_PORT", defaults.port, 65535);
  const simPort = positiveInt("BENCH_SIM_PORT", defaults.simPort, 65535);
  const baselinePort = positiveInt("BENCH_BASELINE_PORT", defaults.baselinePort, 65535);
  const chromiumPath = requireChromium();
  await assertPortFree(port, "BENCH_PORT");
  await assertPortFree(simPort, "BENCH_SIM_PORT");
  await assertPortFree(baselinePort, "BENCH_BASELINE_PORT");
  return { port, simPort, baselinePort, chromiumPath };
}

export type UploadStack = {
  baseUrl: string;
  simUrl: string;
  /** The portal's (and the baseline's and the CLIs') environment. */
  env: NodeJS.ProcessEnv;
  database: BenchDatabase;
  lab: { name: string; partnerLabId: string };
  /** The technician who uploads. */
  account: Account;
  /** Starts the portal as production does (`node scripts/serve.ts`) and names it to `onServer`. */
  startPortal: (onServer: (server: PortalServer) => void) => Promise<PortalServer>;
  /** Starts the node:http baseline (scripts/bench/upload-baseline.ts) on `port`. */
  startBaseline: (port: number) => Promise<PortalServer>;
};

/**
 * A fresh PostgreSQL database (the baseline stores there too) with the lab and the
 * technician, and the Docus simulator listening on `simPort`, never delivering a report
 * while the benchmark runs. `benchmark` names the benchmark in the error without PostgreSQL.
 */
export async function prepareUploadStack(
  cleanup: Cleanup,
  options: UploadBenchPorts & { benchmark: string; env?: Record<string, string> },
): Promise<UploadStack> {
  const baseUrl = `http://localhost:${options.port}`;
  const simUrl = `http://127.0.0.1:${options.simPort}`;
  const credentials = { apiKey: randomToken(24), teamId: `team-${randomToken(6)}`, authKey: randomToken(24) };
  const lab = { name: "Bench Lab", partnerLabId: "bench-lab" };
  const account = { email: "bench-technician@bench.test", password: `bench-${randomToken(18)}` };

  console.log("Preparing a fresh database…");
  const database = await createBenchDatabase();
  cleanup.add("drop the benchmark database", () => database.drop());
  if (database.kind !== "postgres")
    throw new SetupError(
      `The ${options.benchmark} benchmark's baseline stores in PostgreSQL: set DATABASE_URL=postgres://…`,
    );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...database.env,
    DOCUS_API_URL: simUrl,
    DOCUS_API_KEY: credentials.apiKey,
    DOCUS_TEAM_ID: credentials.teamId,
    DOCUS_AUTH_KEY: credentials.authKey,
    // The guard's text read may take its time on a busy machine (in the portal and the
    // baseline alike): a timeout would hold a file, and a held file is never sent.
    PDF_PARSE_TIMEOUT_MS: "60000",
    ...options.env,
    NODE_ENV: "production",
    PORT: String(options.port),
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: randomToken(32),
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  runCli("migrate", [], env);
  runCli("lab-create", ["--name", lab.name, "--partner-lab-id", lab.partnerLabId], env);
  runCli(
    "user-create",
    [
      "--email",
      account.email,
      "--password",
      account.password,
      "--role",
      "technician",
      "--name",
      "Bench Technician",
      "--lab",
      lab.name,
    ],
    env,
  );

  const simulator = createDocusSimulator({
    ...credentials,
    deliveryUrl: `${baseUrl}/api/docus/reports`,
    // Keeps the simulator from delivering reports while the benchmark runs.
    delayMs: 3_600_000,
    deliveryHeader: "x-api-key",
  });
  // Node closes an idle keep-alive connection after 5 s by default. A portal upload can
  // take about that long (on PGlite), and the portal's next send then races the close on
  // its pooled connection and fails with EPIPE; so idle connections stay open here.
  simulator.server.keepAliveTimeout = 120_000;
  await simulator.listen(options.simPort);
  cleanup.add("stop the Docus simulator", () => simulator.close());

  return {
    baseUrl,
    simUrl,
    env,
    database,
    lab,
    account,
    startPortal: async (onServer) => {
      const server = await startPortal(env, options.port);
      onServer(server);
      cleanup.add("stop the portal", () => server.stop());
      return server;
    },
    startBaseline: async (port) => {
      const baseline = await startUploadBaseline(env, port, lab.partnerLabId);
      cleanup.add("stop the baseline server", () => baseline.stop());
      return baseline;
    },
  };
}
