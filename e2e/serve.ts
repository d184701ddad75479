import { execFileSync } from "node:child_process";
import path from "node:path";
import { spawnScript, superviseTogether } from "../scripts/lib/processes";
import { E2E_PORT, E2E_SHARD, E2E_SIM_PORT, accounts } from "./fixtures/accounts";
import { freshE2eDatabase, portalEnv, prepareE2eData, startPortalProcess } from "./fixtures/portal-process";
import { E2E_TOTP_SECRET } from "./fixtures/totp";

/**
 * Playwright's web server: a fresh database (PostgreSQL `<DATABASE_URL's db>_e2e`, or an
 * embedded PGlite folder when DATABASE_URL is unset), prepared with the project's own
 * CLIs, then the built portal in production mode (scripts/serve.ts, as `npm run serve`).
 * One per shard (E2E_SHARD, set by playwright.config.ts): each worker has its own.
 */

const dbEnv = await freshE2eDatabase(`e2e${E2E_SHARD}`);
const env = portalEnv(E2E_PORT, E2E_SIM_PORT, dbEnv);
prepareE2eData(env);

// Admins and operators must use two-factor sign-in: the prepared ones have a known secret
// (but one admin, left to show that a password-only session gets nothing).
execFileSync(
  path.join(process.cwd(), "node_modules", ".bin", "tsx"),
  [
    "--conditions=react-server",
    "e2e/fixtures/enrol-two-factor.ts",
    E2E_TOTP_SECRET,
    ...Object.values(accounts)
      .filter((a) => (a.role === "admin" || a.role === "operator") && a !== accounts.pendingAdmin)
      .map((a) => a.email),
  ],
  { env, stdio: "inherit" },
);

const simulator = spawnScript("scripts/docus-simulator/main.ts", { ...env, NODE_ENV: "development" });
const server = startPortalProcess(env, E2E_PORT);
process.exit(await superviseTogether([simulator, server.child]));
