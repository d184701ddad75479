import type { IncomingMessage, ServerResponse } from "node:http";
import postgres from "postgres";
import { authenticateDelivery, deliveryAuthFromEnv, parseDelivery } from "@/lib/docus";
import { getEnv } from "@/lib/env";
import { jsonServer, reply, serveUntilSignalled } from "./lib/baseline-server";

/**
 * The delivery benchmark's baseline (started by scripts/bench/deliveries.ts): a bare
 * node:http server doing the delivery route's essential work per request, without the
 * framework, the transaction or the bookkeeping. Shared-secret check before the body is
 * read, the capped body, the Standard Webhooks signature over the raw bytes, the content
 * type, parseDelivery (JSON, fields, strict Base64, PDF check, SHA-256), then ONE insert
 * of the document bytes (the delivered Base64, decoded by PostgreSQL, as the portal stores
 * them) and a row into the bench_baseline table, and a 200 JSON reply.
 *
 * Environment: the portal's (DATABASE_URL, DOCUS_DELIVERY_SECRET, DOCUS_WEBHOOK_SECRET,
 * MAX_DELIVERY_MB, ...) plus BENCH_BASELINE_PORT.
 */

const env = getEnv();
if (!env.DATABASE_URL) throw new Error("The baseline needs DATABASE_URL (PostgreSQL).");
const port = Number(process.env.BENCH_BASELINE_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error("BENCH_BASELINE_PORT must be a port number.");

// The same driver and pool size as the portal's database client (db/index.ts).
const sql = postgres(env.DATABASE_URL, { max: 10, idle_timeout: 30, connect_timeout: 10, onnotice: () => {} });
const config = deliveryAuthFromEnv();
const maxBytes = env.MAX_DELIVERY_MB * 1024 * 1024;

function headerSource(request: IncomingMessage): { get(name: string): string | null } {
  return {
    get: (name) => {
      const value = request.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/** The whole body, or null when it is larger than maxBytes. */
function readBody(request: IncomingMessage): Promise<Uint8Array | null> {
  const declared = /^\d{1,15}$/.test(request.headers["content-length"] ?? "")
    ? Number(request.headers["content-length"])
    : null;
  if (declared !== null && declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    request.on("data", (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        request.destroy();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total)));
    request.on("error", reject);
  });
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === "GET" && request.url === "/health") return reply(response, 200, { status: "ok" });
  if (request.method !== "POST" || request.url !== "/api/docus/reports")
    return reply(response, 404, { status: "error" });

  const headers = headerSource(request);
  if (config.sharedSecret) {
    const early = authenticateDelivery(
      { header: config.header, sharedSecret: config.sharedSecret },
      headers,
      new Uint8Array(),
    );
    if (!early.ok) return reply(response, 401, { status: "error", error: "Authentication failed." });
  }
  const raw = await readBody(request);
  if (raw === null) return reply(response, 413, { status: "error", error: "body over the limit" });
  const auth = authenticateDelivery(config, headers, raw);
  if (!auth.ok) return reply(response, 401, { status: "error", error: "Authentication failed." });
  if (!/^application\/json\s*(;|$)/i.test(request.headers["content-type"] ?? "")) {
    return reply(response, 415, { status: "error", error: "Content-Type must be application/json" });
  }
  const parsed = parseDelivery(raw);
  if (!parsed.ok) return reply(response, parsed.status, { status: "error", error: parsed.reason });
  const { pdfBase64, sha256, referenceId } = parsed.delivery;
  try {
    // The bytes go to PostgreSQL as the portal sends them: the delivered Base64, decoded there.
    await sql`insert into bench_baseline (sha256, bytes, reference_id) values (${sha256}, decode(${pdfBase64}, 'base64'), ${referenceId})`;
  } catch {
    return reply(response, 503, { status: "error", error: "the report could not be stored right now" });
  }
  reply(response, 200, { status: "success", duplicate: false });
}

const server = jsonServer(handle);

serveUntilSignalled(
  server,
  port,
  () => sql.end({ timeout: 5 }),
  `Baseline delivery server on http://127.0.0.1:${port}`,
);
