import { EnvError, getEnv } from "../lib/env.ts";
import { servePortal } from "./lib/processes.ts";

/**
 * `npm run serve`: the built portal in production, in this process (no simulator; see
 * scripts/start.ts for the all-in-one default). Needs `npm run build` first.
 */

try {
  const env = getEnv();
  await servePortal(env);
  console.log(`Serving the portal on ${env.NEXTAUTH_URL}`);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}
