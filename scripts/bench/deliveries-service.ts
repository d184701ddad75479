import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { closeDb } from "@/db";
import { receiveDelivery } from "@/lib/docus";
import { stopBoss } from "@/lib/jobs/boss";
import { jsonServer, reply, serveUntilSignalled } from "./lib/baseline-server";

/**
 * The delivery benchmark's third target (started by scripts/bench/deliveries.ts): the
 * portal's OWN delivery service, `receiveDelivery` from lib/docus (the shared secret, the
 * capped read, the signature, the parse, then the one storing transaction: lab, advisory
 * lock, duplicate check, match, version, document, report, lab result, deliveries log,
 * text-check job; and the metrics), behind a bare node:http server instead of Next.js,
 * answering as the route (app/api/docus/reports/route.ts) does. Not a way the portal is
 * deployed: it shows how much of a delivery's cost is the work a correct delivery needs
 * and how much is the framework around it.
 *
 * Environment: the portal's (DATABASE_URL, DOCUS_DELIVERY_SECRET, DOCUS_WEBHOOK_SECRET,
 * MAX_DELIVERY_MB, ...) plus BENCH_BASELINE_PORT (this server's port).
 */

const port = Number(process.env.BENCH_BASELINE_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error("BENCH_BASELINE_PORT must be a port number.");

/** The request as the route receives it (a Fetch API Request whose body streams in). */
function fetchRequest(request: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return new Request(`http://127.0.0.1:${port}${request.url ?? "/"}`, {
    method: request.method,
    headers,
    body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === "GET" && request.url === "/health") return reply(response, 200, { status: "ok" });
  if (request.method !== "POST" || request.url !== "/api/docus/reports")
    return reply(response, 404, { status: "error" });
  const outcome = await receiveDelivery(fetchRequest(request));
  if (outcome.kind === "stored") return reply(response, 200, { status: "success", duplicate: outcome.duplicate });
  const { status, reason, retryAfterSeconds } = outcome;
  reply(
    response,
    status,
    { status: "error", error: status === 401 ? "Authentication failed." : reason },
    retryAfterSeconds ? { "Retry-After": String(retryAfterSeconds) } : {},
  );
}

const server = jsonServer(handle);

serveUntilSignalled(
  server,
  port,
  async () => {
    await stopBoss().catch(() => undefined);
    await closeDb().catch(() => undefined);
  },
  `The portal's delivery service without Next.js on http://127.0.0.1:${port}`,
);
