import http from "node:http";
import { randomUUID } from "node:crypto";
import { setDbApplicationName } from "@/db";
import { startHl7FeedWorker } from "@/lib/exports/mllp-feed";
import { startSubmitWorker } from "@/lib/send";
import { startReportDiffWorker } from "@/lib/reports/diff-job";
import { startReportTextCheckWorker } from "@/lib/reports/text-check";
import { EnvError, getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import { getLogger } from "@/lib/observability/logger";
import { metricsResponse } from "@/lib/observability/metrics";

/**
 * `npm run worker`: a process that only sends lab results to Docus (and the labs' HL7
 * feeds), for deployments that want workers apart from the web instances (which then run
 * with RUN_WORKER=0). It needs PostgreSQL: the embedded database belongs to the portal
 * process. With WORKER_METRICS_PORT and METRICS_TOKEN set it serves its own /metrics on
 * that port.
 */
try {
  const env = getEnv();
  if (env.embedded) {
    console.error(
      "npm run worker needs DATABASE_URL (PostgreSQL). On the embedded default the portal runs its own worker.",
    );
    process.exit(1);
  }
  setDbApplicationName(`lab-portal-worker:${randomUUID()}`);
  await startSubmitWorker();
  await startHl7FeedWorker();
  await startReportDiffWorker();
  await startReportTextCheckWorker();
  if (env.WORKER_METRICS_PORT > 0) {
    const server = http.createServer((request, response) => {
      const path = (request.url ?? "/").split("?")[0];
      const answer =
        path === "/metrics" && request.method === "GET"
          ? metricsResponse(request.headers.authorization, env.METRICS_TOKEN)
          : Promise.resolve({ status: 404, contentType: "text/plain; charset=utf-8", body: "Not found.\n" });
      void answer.then(({ status, contentType, body }) => {
        response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
        response.end(body);
      });
    });
    server.listen(env.WORKER_METRICS_PORT);
    // The database layer ends the process on SIGTERM; stop taking scrapes at once.
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => server.close());
  }
  getLogger().info(
    { event: "started", worker: true },
    "worker started: sending lab results to Docus and the labs' HL7 feeds",
  );
} catch (error) {
  console.error(error instanceof EnvError ? error.message : `error: ${describeError(error)}`);
  process.exit(1);
}
