import { spawnScript, superviseTogether } from "../scripts/lib/processes";
import { E2E_PORT, E2E_SHARD, E2E_SIM_PORT } from "./fixtures/accounts";
import { freshE2eDatabase, portalEnv, prepareE2eData, startPortalProcess } from "./fixtures/portal-process";
import { E2E_TOTP_SECRET } from "./fixtures/totp";

/**
 * Playwright's web server: a fresh database (PostgreSQL `<DATABASE_URL's db>_e2e`, or an
 * embedded PGlite folder when DATABASE_URL is unset), prepared with the project's own
 * commands (e2e/fixtures/prepare-data.ts), then the built portal in production mode
 * (scripts/serve.ts, as `npm run serve`). One per shard (E2E_SHARD, set by
 * playwright.config.ts): each worker has its own.
 */

const dbEnv = await freshE2eDatabase(`e2e${E2E_SHARD}`);
const env = portalEnv(E2E_PORT, E2E_SIM_PORT, dbEnv);
// Admins and operators must use two-factor sign-in: the prepared ones have a known secret.
prepareE2eData(env, { totpSecret: E2E_TOTP_SECRET });

const simulator = spawnScript("scripts/docus-simulator/main.ts", { ...env, NODE_ENV: "development" });
const server = startPortalProcess(env, E2E_PORT);
process.exit(await superviseTogether([simulator, server.child]));
