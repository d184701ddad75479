import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { getAuthSecret, type Env } from "../../lib/env.ts";
import { startMemoryTrim } from "./memory-trim.ts";
import { startPortalServer } from "./portal-server.ts";

const root = process.cwd();

/**
 * Runs one of the project's launcher scripts (serve, docus-simulator) as a child
 * process: plain `node`, whose own TypeScript support (type stripping) runs them, so
 * there is no loader process beside it.
 */
export function spawnScript(
  script: string,
  env: NodeJS.ProcessEnv,
  stdio: "inherit" | "pipe" = "inherit",
): ChildProcess {
  return spawn(process.execPath, [path.join(root, script)], { env, stdio });
}

/**
 * Credentials and delivery secrets that the portal and the simulated Docus share when no
 * real Docus is configured. New ones each start: they only have to agree between the two.
 */
export function generatedDocusEnv(
  simPort: number,
  existing: { DOCUS_DELIVERY_SECRET?: string; DOCUS_WEBHOOK_SECRET?: string },
): Record<string, string> {
  const token = (bytes: number) => randomBytes(bytes).toString("base64url");
  return {
    DOCUS_API_URL: `http://127.0.0.1:${simPort}`,
    DOCUS_API_KEY: token(24),
    DOCUS_TEAM_ID: `team-${token(6)}`,
    DOCUS_AUTH_KEY: token(24),
    DOCUS_DELIVERY_SECRET: existing.DOCUS_DELIVERY_SECRET || token(24),
    DOCUS_WEBHOOK_SECRET: existing.DOCUS_WEBHOOK_SECRET || `whsec_${randomBytes(24).toString("base64")}`,
  };
}

/** Stops the other processes when one of them ends, and forwards Ctrl-C / SIGTERM to all. */
export function superviseTogether(children: ChildProcess[]): Promise<number> {
  return new Promise((resolve) => {
    let exiting = false;
    const stopAll = (signal: NodeJS.Signals) => {
      for (const child of children) if (child.exitCode === null) child.kill(signal);
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stopAll(signal));
    let remaining = children.length;
    let firstCode: number | undefined;
    for (const child of children) {
      child.on("exit", (code, signal) => {
        firstCode ??= code ?? (signal ? 1 : 0);
        if (!exiting) {
          exiting = true;
          stopAll("SIGTERM");
        }
        remaining--;
        if (remaining === 0) resolve(firstCode ?? 0);
      });
    }
  });
}

/** Where db/index.ts keeps the process's open database (see there). */
const DB_HANDLE_KEY = Symbol.for("lab-portal.db");

/** How long a stopping portal may take before it is ended regardless. */
const SHUTDOWN_BACKSTOP_MS = 120_000;

/**
 * Serves the portal in this process. On SIGTERM or SIGINT the server stops taking
 * connections and `onStop` runs (closing an in-process simulator, say); the database
 * layer (db/index.ts) then finishes its own shutdown work and ends the process. When the
 * database was never opened, nothing else ends it, so this does.
 */
export async function servePortal(env: Env, onStop: () => Promise<void> = async () => {}): Promise<void> {
  const portal = await startPortalServer({
    port: env.PORT,
    trustedHops: env.TRUST_PROXY_HOPS,
    origin: env.NEXTAUTH_URL,
    authSecret: getAuthSecret(),
    metricsToken: env.METRICS_TOKEN,
    maxUploadMb: env.MAX_UPLOAD_MB,
  });
  startMemoryTrim();
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Once the database is open, db/index.ts owns the exit: its own signal listener drains
    // the sends, closes the database and then ends the process. Its listener may already
    // have run (a `once` listener is gone by now), so look at its handle on globalThis
    // (db/index.ts keeps it under this key until the database has closed).
    const othersExit =
      process.listenerCount(signal) > 1 || (globalThis as Record<symbol, unknown>)[DB_HANDLE_KEY] !== undefined;
    setTimeout(() => process.exit(1), SHUTDOWN_BACKSTOP_MS);
    void Promise.all([portal.stopListening(), onStop().catch(() => undefined)]).then(() => {
      if (!othersExit) process.exit(0);
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
