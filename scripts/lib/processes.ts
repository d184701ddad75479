import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";

const root = process.cwd();

/** Runs one of the project's TypeScript scripts as a child process. */
export function spawnScript(script: string, env: NodeJS.ProcessEnv, stdio: "inherit" | "pipe" = "inherit"): ChildProcess {
  return spawn(path.join(root, "node_modules", ".bin", "tsx"), ["--conditions=react-server", script], { env, stdio });
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
