import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { EnvError, docusLaunch, getEnv, resetEnvCache } from "../lib/env.ts";
import { generatedDocusEnv, servePortal } from "./lib/processes.ts";
import { startDocusSimulator } from "./docus-simulator/start.ts";

/**
 * `npm start`: builds the portal when there is no build yet, then serves it in this
 * process. On the embedded default (no DATABASE_URL) the server opens PGlite, migrates
 * and seeds itself (see lib/startup.ts). Without DOCUS_API_URL the Docus simulator runs
 * in the same process on the embedded default or with DOCUS_SIMULATOR=1; on PostgreSQL
 * without either it refuses to start. Node runs this file with its own TypeScript support (type
 * stripping): one process, no loader beside it.
 */

const nextBin = path.join(process.cwd(), "node_modules", ".bin", "next");

function build(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(nextBin, ["build"], { stdio: "inherit", env: process.env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(): Promise<number | undefined> {
  // The portal serves a production build; the server below runs in this process.
  Object.assign(process.env, { NODE_ENV: "production" });
  let env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const docus = docusLaunch(env);
  if (docus.kind === "refused") {
    console.error(docus.message);
    return 1;
  }
  process.env.NEXTAUTH_URL = env.NEXTAUTH_URL;
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    console.log("No build found: building the portal first (this takes a minute or two)…");
    const code = await build();
    if (code !== 0) return code;
  }
  let stopSimulator = async () => {};
  if (docus.kind === "simulator") {
    // No real Docus configured: run the simulated one in this process, the two pointed
    // at each other with freshly generated credentials and delivery secrets.
    // DOCUS_SIMULATOR=1 tells the portal to show its "not for clinical use" banner.
    Object.assign(process.env, generatedDocusEnv(env.DOCUS_SIM_PORT, env), { DOCUS_SIMULATOR: "1" });
    console.log(`No DOCUS_API_URL: starting the Docus simulator on port ${env.DOCUS_SIM_PORT}.`);
    resetEnvCache();
    try {
      stopSimulator = (await startDocusSimulator(getEnv())).close;
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      return 1;
    }
  }
  // The server reads the configuration again, with the simulator's settings in it.
  resetEnvCache();
  await servePortal(getEnv(), stopSimulator);
  console.log(`Serving the portal on ${env.NEXTAUTH_URL}`);
  return undefined;
}

const code = await main();
if (code !== undefined) process.exit(code);
