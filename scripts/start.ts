import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { EnvError, getEnv } from "@/lib/env";

/**
 * `npm start`: builds the portal when there is no build yet, then serves it. On the
 * embedded default (no DATABASE_URL) the server opens PGlite, migrates and seeds itself
 * (see lib/startup.ts).
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
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXTAUTH_URL: env.NEXTAUTH_URL };
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    console.log("No build found: building the portal first (this takes a minute or two)…");
    const code = await run(["build"], childEnv);
    if (code !== 0) return code;
  }
  console.log(`Serving the portal on ${env.NEXTAUTH_URL}`);
  return run(["start", "--port", String(env.PORT)], childEnv);
}

process.exit(await main());
