import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { EnvError, docusLaunch, getEnv } from "@/lib/env";
import { generatedDocusEnv, spawnScript, superviseTogether } from "./lib/processes";

/**
 * `npm start`: builds the portal when there is no build yet, then serves it. On the
 * embedded default (no DATABASE_URL) the server opens PGlite, migrates and seeds itself
 * (see lib/startup.ts). Without DOCUS_API_URL the Docus simulator runs beside it on the
 * embedded default or with DOCUS_SIMULATOR=1; on PostgreSQL without either it refuses to start.
 */

const nextBin = path.join(process.cwd(), "node_modules", ".bin", "next");

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(nextBin, args, { stdio: "inherit", env });
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

async function main(): Promise<number> {
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
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXTAUTH_URL: env.NEXTAUTH_URL };
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    console.log("No build found: building the portal first (this takes a minute or two)…");
    const code = await run(["build"], childEnv);
    if (code !== 0) return code;
  }
  const children: ChildProcess[] = [];
  if (docus.kind === "simulator") {
    // No real Docus configured: run the simulated one beside the portal, each pointed
    // at the other with freshly generated credentials and delivery secrets.
    // DOCUS_SIMULATOR=1 tells the portal to show its "not for clinical use" banner.
    Object.assign(childEnv, generatedDocusEnv(env.DOCUS_SIM_PORT, env), { DOCUS_SIMULATOR: "1" });
    console.log(`No DOCUS_API_URL: starting the Docus simulator on port ${env.DOCUS_SIM_PORT}.`);
    children.push(spawnScript("scripts/docus-simulator.ts", { ...childEnv, NODE_ENV: "development" }));
  }
  console.log(`Serving the portal on ${env.NEXTAUTH_URL}`);
  children.push(spawn(nextBin, ["start", "--port", String(env.PORT)], { stdio: "inherit", env: childEnv }));
  return superviseTogether(children);
}

process.exit(await main());
