import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";
import { withDatabase } from "@/lib/testing/test-db";

/**
 * What every benchmark script shares: setup errors with their own exit code, settings
 * from the environment, a free-port check, cleanup that always runs, and the main
 * wrapper that turns all of it into an exit code (0 ran, 1 failed, 2 could not start,
 * 130/143 interrupted).
 */

export class SetupError extends Error {}

export function positiveInt(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new SetupError(`${name} must be a whole number from 1 to ${max}.`);
  return value;
}

/** The portal's production build must exist: the benchmarks serve it as production does. */
export function requireProductionBuild(): void {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID")))
    throw new SetupError("There is no production build in .next: run `npm run build` first.");
}

/** Chromium's executable: CHROMIUM_PATH, by default /usr/bin/chromium. */
export function requireChromium(): string {
  const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (!existsSync(chromiumPath)) throw new SetupError(`Chromium was not found at ${chromiumPath}; set CHROMIUM_PATH.`);
  return chromiumPath;
}

/** A random secret of `bytes` bytes, base64url (credentials and session secrets of a run). */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

export function assertPortFree(port: number, purpose: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", () =>
      reject(new SetupError(`Port ${port} (${purpose}) is in use; choose another one with the environment.`)),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

export type FreshDatabase = { name: string; url: string; host: string; version: string; drop: () => Promise<void> };

/**
 * A new, empty PostgreSQL database `<baseUrl's database>_<suffix>` next to baseUrl's (an
 * earlier one of that name is dropped first), with the server's version and a way to drop
 * it. Works whether or not baseUrl's own database exists.
 */
export async function freshPostgresDatabase(baseUrl: string, suffix: string): Promise<FreshDatabase> {
  const name = `${new URL(baseUrl).pathname.slice(1) || "lab_portal"}_${suffix}`;
  const adminUrl = await administrationUrl(baseUrl);
  const onAdmin = async <T>(work: (admin: postgres.Sql) => Promise<T>): Promise<T> => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      return await work(admin);
    } finally {
      await admin.end({ timeout: 5 });
    }
  };
  const drop = () =>
    onAdmin((admin) => admin.unsafe(`drop database if exists ${quoteIdentifier(name)} with (force)`)).then(
      () => undefined,
    );
  const version = await onAdmin(async (admin) => {
    await admin.unsafe(`drop database if exists ${quoteIdentifier(name)} with (force)`);
    await admin.unsafe(`create database ${quoteIdentifier(name)}`);
    const [row] = await admin.unsafe<{ server_version: string }[]>("show server_version");
    return row?.server_version ?? "unknown version";
  });
  return { name, url: withDatabase(baseUrl, name), host: new URL(baseUrl).host, version, drop };
}

/** baseUrl when its database exists, else the same server's `postgres` database (to create ours from). */
async function administrationUrl(baseUrl: string): Promise<string> {
  const probe = postgres(baseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await probe`select 1`;
    return baseUrl;
  } catch (error) {
    if (!(error instanceof postgres.PostgresError && error.code === "3D000")) throw error;
    return withDatabase(baseUrl, "postgres");
  } finally {
    await probe.end({ timeout: 5 });
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

type Step = { label: string; run: () => Promise<void> | void };

/** Cleanup steps, run once in reverse order of registration, each on its own. */
export class Cleanup {
  private readonly steps: Step[] = [];
  private running: Promise<void> | undefined;

  /** A step added once cleanup has begun (the benchmark was interrupted) runs at once. */
  add(label: string, run: () => Promise<void> | void): void {
    const step = { label, run };
    if (this.running) this.running = this.running.then(() => Cleanup.runStep(step));
    else this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) await Cleanup.runStep(step);
    })();
    return this.running;
  }

  private static async runStep(step: Step): Promise<void> {
    try {
      await step.run();
    } catch (error) {
      console.error(`Cleanup: could not ${step.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * Runs a benchmark and returns its exit code. `onServer` lets the benchmark name the
 * server it started, whose last output lines are printed if the run fails.
 */
export async function runBenchmark(
  run: (cleanup: Cleanup, onServer: (server: { logTail: () => string } | undefined) => void) => Promise<void>,
): Promise<number> {
  const cleanup = new Cleanup();
  let server: { logTail: () => string } | undefined;
  let interrupted = false;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    // npm, tsx and the shell may each pass the same signal on: only the first one counts,
    // and the later ones must not end the process while it cleans up.
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`${signal}: stopping the benchmark.`);
      void cleanup.run().finally(() => process.exit(code));
    });
  }
  try {
    await run(cleanup, (current) => {
      server = current;
    });
    return 0;
  } catch (error) {
    if (interrupted) return 130;
    if (error instanceof SetupError) {
      console.error(error.message);
      return 2;
    }
    console.error(
      `The benchmark could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    if (server) console.error(`Last lines of the server's output:\n${server.logTail()}`);
    return 1;
  } finally {
    await cleanup.run();
  }
}
