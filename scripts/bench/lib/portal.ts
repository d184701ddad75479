import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "@/lib/env";
import { freshPostgresDatabase } from "./harness";

/**
 * The portal under test, prepared like the e2e server (e2e/serve.ts): a fresh database
 * set up with the project's own CLIs, then the production build served the way production
 * serves it: the project's own server, `node scripts/serve.ts` (as `npm run serve` does).
 */

const root = process.cwd();

export type BenchDatabase = {
  kind: "postgres" | "pglite";
  /** What the report prints: the kind, version and where it lives. */
  description: string;
  /** Points the portal and the CLIs at this database. */
  env: Record<string, string>;
  drop: () => Promise<void>;
};

/** The running benchmark's name (its script's file name): its database is its own. */
function benchName(): string {
  return path
    .basename(process.argv[1] ?? "bench", ".ts")
    .replace(/[^a-z0-9]/gi, "_")
    .toLowerCase();
}

/**
 * A new PostgreSQL database `<DATABASE_URL's database>_bench_<benchmark>` next to
 * DATABASE_URL's, or an embedded PGlite in .data/bench-<benchmark>-pglite when DATABASE_URL
 * is unset: one per benchmark, so that benchmarks can run side by side (bench:smoke does).
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const baseUrl = parseEnv(process.env).DATABASE_URL;
  if (!baseUrl) {
    const dataDir = path.join(root, ".data", `bench-${benchName()}-pglite`);
    const remove = () => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}.lock`, { force: true });
    };
    remove();
    return {
      kind: "pglite",
      description: `PGlite (embedded in the portal process), ${path.relative(root, dataDir)}`,
      env: { DATABASE_URL: "", PGLITE_DATA_DIR: dataDir },
      drop: async () => remove(),
    };
  }
  const database = await freshPostgresDatabase(baseUrl, `bench_${benchName()}`);
  return {
    kind: "postgres",
    description: `PostgreSQL ${database.version} at ${database.host}, database ${database.name}`,
    env: { DATABASE_URL: database.url },
    drop: database.drop,
  };
}

/** Runs one of the project's CLIs; its output is shown only when it fails. */
export function runCli(script: string, args: string[], env: NodeJS.ProcessEnv): void {
  const tsx = path.join(root, "node_modules", ".bin", "tsx");
  const result = spawnSync(tsx, ["--conditions=react-server", `scripts/${script}.ts`, ...args], {
    env,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `scripts/${script}.ts failed (exit ${result.status ?? result.signal}):\n${result.stdout ?? ""}${result.stderr ?? ""}`.trimEnd(),
    );
  }
}

export type PortalServer = {
  /** The pid of the spawned process (`node scripts/serve.ts`: the portal itself). */
  pid: number;
  /** The last lines the server printed, for error reports. */
  logTail: () => string;
  /** Stops the server and anything it started (its process group). */
  stop: () => Promise<void>;
};

const LOG_LINES = 60;

export type ServerSpec = {
  label: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  healthUrl: string;
  timeoutMs?: number;
  /** How often the health URL is tried while the server starts (default 250 ms). */
  pollMs?: number;
  /** Called as soon as the process is spawned, before it is healthy (e.g. to register its stop). */
  onSpawn?: (server: PortalServer) => void;
};

/**
 * Starts a server process in its own process group (so that stopping it also stops any
 * process it started) and waits until `healthUrl` answers 200.
 */
export async function startServerProcess(spec: ServerSpec): Promise<PortalServer> {
  const timeoutMs = spec.timeoutMs ?? 60_000;
  const child = spawn(spec.command, spec.args, { env: spec.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - LOG_LINES));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => {
    child.on("exit", () => {
      exited = true;
      resolve();
    });
  });
  const spawned = await new Promise<number>((resolve, reject) => {
    child.once("spawn", () => resolve(child.pid ?? -1));
    child.once("error", reject);
  });

  const server: PortalServer = {
    pid: spawned,
    logTail: () => lines.join("\n"),
    stop: async () => {
      if (exited) return;
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-spawned, signal);
        } catch {
          // The group is already gone.
        }
      };
      signalGroup("SIGTERM");
      const killed = await Promise.race([exit.then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) {
        signalGroup("SIGKILL");
        await exit;
      }
    },
  };
  spec.onSpawn?.(server);

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`The ${spec.label} exited before it was ready:\n${server.logTail()}`);
    try {
      const response = await fetch(spec.healthUrl, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return server;
    } catch {
      // Not listening yet.
    }
    await sleep(spec.pollMs ?? 250);
  }
  await server.stop();
  throw new Error(`The ${spec.label} did not become healthy within ${timeoutMs / 1000} s:\n${server.logTail()}`);
}

/** The portal's production server, `node scripts/serve.ts` (it reads PORT from the environment). */
export function portalServerSpec(env: NodeJS.ProcessEnv, port: number): ServerSpec {
  return {
    label: "portal (node scripts/serve.ts)",
    command: process.execPath,
    args: [path.join(root, "scripts", "serve.ts")],
    env: { ...env, PORT: String(port) },
    healthUrl: `http://127.0.0.1:${port}/api/health`,
  };
}

/** Starts the portal as production does and waits until /api/health answers 200. */
export function startPortal(env: NodeJS.ProcessEnv, port: number, timeoutMs = 60_000): Promise<PortalServer> {
  return startServerProcess({ ...portalServerSpec(env, port), timeoutMs });
}

/**
 * The upload benchmarks' baseline (scripts/bench/upload-baseline.ts), a bare node:http
 * server on the same database and simulator as the portal in `env`.
 */
export function startUploadBaseline(env: NodeJS.ProcessEnv, port: number, partnerLabId: string): Promise<PortalServer> {
  return startServerProcess({
    label: "baseline upload server",
    command: path.join(root, "node_modules", ".bin", "tsx"),
    args: ["--conditions=react-server", "scripts/bench/upload-baseline.ts"],
    env: { ...env, BENCH_BASELINE_PORT: String(port), BENCH_PARTNER_LAB_ID: partnerLabId },
    healthUrl: `http://127.0.0.1:${port}/health`,
    timeoutMs: 30_000,
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
