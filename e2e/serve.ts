import { spawnScript, superviseTogether } from "../scripts/lib/processes";
import { E2E_PORT, E2E_SIM_PORT } from "./fixtures/accounts";
import { freshE2eDatabase, portalEnv, prepareE2eData, startPortalProcess } from "./fixtures/portal-process";

/**
 * Playwright's web server: a fresh database (PostgreSQL `<DATABASE_URL's db>_e2e`, or an
 * embedded PGlite folder when DATABASE_URL is unset), prepared with the project's own
 * CLIs, then the built portal in production mode.
 */

const dbEnv = await freshE2eDatabase("e2e");
const env = portalEnv(E2E_PORT, E2E_SIM_PORT, dbEnv);
prepareE2eData(env);

const simulator = spawnScript("scripts/docus-simulator.ts", { ...env, NODE_ENV: "development" });
const server = startPortalProcess(env, E2E_PORT);
process.exit(await superviseTogether([simulator, server.child]));
