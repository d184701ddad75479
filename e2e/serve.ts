import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { parseEnv } from "@/lib/env";
import { withDatabase } from "@/lib/testing/test-db";
import { spawnPortal, spawnScript, superviseTogether } from "../scripts/lib/processes";
import { E2E_DELIVERY_SECRET, E2E_MAX_UPLOAD_MB, E2E_PASSWORD, E2E_WEBHOOK_SECRET, E2E_PORT, E2E_SIM_PORT, accounts, e2eLabs } from "./fixtures/accounts";
import { E2E_TOTP_SECRET } from "./fixtures/totp";

/**
 * Playwright's web server: a fresh database (PostgreSQL `<DATABASE_URL's db>_e2e`, or an
 * embedded PGlite folder when DATABASE_URL is unset), prepared with the project's own
 * CLIs, then the built portal in production mode (scripts/serve.ts, as `npm run serve`).
 */

const root = process.cwd();
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const baseUrl = parseEnv(process.env).DATABASE_URL;

async function freshDatabase(): Promise<Record<string, string>> {
  if (!baseUrl) {
    const dataDir = path.join(root, ".data", "e2e-pglite");
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.lock`, { force: true });
    return { DATABASE_URL: "", PGLITE_DATA_DIR: dataDir };
  }
  const name = `${new URL(baseUrl).pathname.slice(1) || "lab_portal"}_e2e`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return { DATABASE_URL: withDatabase(baseUrl, name) };
}

const dbEnv = await freshDatabase();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...dbEnv,
  // The simulated Docus, with the e2e suite's own credentials and fast retries.
  DOCUS_API_URL: `http://127.0.0.1:${E2E_SIM_PORT}`,
  DOCUS_API_KEY: "e2e-api-key-0123456789",
  DOCUS_TEAM_ID: "e2e-team",
  DOCUS_AUTH_KEY: "e2e-auth-key-0123456789",
  DOCUS_DELIVERY_SECRET: E2E_DELIVERY_SECRET,
  DOCUS_WEBHOOK_SECRET: E2E_WEBHOOK_SECRET,
  DOCUS_SIM_PORT: String(E2E_SIM_PORT),
  DOCUS_SIMULATOR: "1",
  DOCUS_SIM_DELIVERY_URL: `http://localhost:${E2E_PORT}/api/docus/reports`,
  DOCUS_SIM_DELAY_MS: "500",
  DOCUS_RETRY_BASE_MS: "1000",
  DOCUS_RETRY_MAX_MS: "5000",
  DOCUS_RETRY_MAX_ATTEMPTS: "6",
  MAX_UPLOAD_MB: String(E2E_MAX_UPLOAD_MB),
  MAX_DELIVERY_MB: "1",
  NODE_ENV: "production",
  PORT: String(E2E_PORT),
  NEXTAUTH_URL: `http://localhost:${E2E_PORT}`,
  NEXTAUTH_SECRET: "e2e-only-secret-e2e-only-secret-0123456789",
  NEXT_TELEMETRY_DISABLED: "1",
};

function cli(script: string, args: string[]): void {
  execFileSync(tsx, ["--conditions=react-server", `scripts/${script}.ts`, ...args], { env, stdio: "inherit" });
}

cli("migrate", []);
for (const lab of Object.values(e2eLabs)) cli("lab-create", ["--name", lab.name, "--partner-lab-id", lab.partnerLabId]);
for (const account of Object.values(accounts)) {
  cli("user-create", [
    "--email", account.email, "--password", E2E_PASSWORD, "--role", account.role, "--name", account.name,
    ...account.labs.flatMap((lab) => ["--lab", lab]),
  ]);
}

// Admins and operators must use two-factor sign-in: the prepared ones have a known secret.
execFileSync(
  tsx,
  [
    "--conditions=react-server",
    "e2e/fixtures/enrol-two-factor.ts",
    E2E_TOTP_SECRET,
    ...Object.values(accounts).filter((a) => a.role === "admin" || a.role === "operator").map((a) => a.email),
  ],
  { env, stdio: "inherit" },
);

const simulator = spawnScript("scripts/docus-simulator.ts", { ...env, NODE_ENV: "development" });
const server = spawnPortal(env);
process.exit(await superviseTogether([simulator, server]));
