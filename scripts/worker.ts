import { startHl7FeedWorker } from "@/lib/exports/mllp-feed";
import { startSubmitWorker } from "@/lib/jobs/worker";
import { EnvError, getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";

/**
 * `npm run worker`: a process that only sends lab results to Docus (and the labs' HL7
 * feeds), for deployments that want workers apart from the web instances. It needs PostgreSQL: the embedded database
 * belongs to the portal process.
 */
try {
  const env = getEnv();
  if (env.embedded) {
    console.error(
      "npm run worker needs DATABASE_URL (PostgreSQL). On the embedded default the portal runs its own worker.",
    );
    process.exit(1);
  }
  await startSubmitWorker();
  await startHl7FeedWorker();
  console.log("Worker started: sending lab results to Docus and the labs' HL7 feeds.");
} catch (error) {
  console.error(error instanceof EnvError ? error.message : `error: ${describeError(error)}`);
  process.exit(1);
}
