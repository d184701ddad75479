import { getEnv } from "../../lib/env.ts";
import { startDocusSimulator } from "./start.ts";

/**
 * `npm run docus:simulator`: the simulated Docus on its own (see ./start.ts and ./simulator.ts).
 * It runs on Node's own TypeScript support, with no loader process.
 */

let simulator: { close: () => Promise<void> };
try {
  simulator = await startDocusSimulator(getEnv());
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

let stopping = false;
function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the Docus simulator.`);
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
