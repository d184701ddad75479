import { getDb } from "@/db";
import { recordRefusedDelivery, storeDeliveredReport } from "@/db/queries/reports";
import {
  BodyTooLargeError,
  authenticateDelivery,
  deliveryAuthFromEnv,
  deliveryIdempotencyKey,
  parseDelivery,
  readBodyCapped,
} from "@/lib/docus/delivery";
import { getEnv } from "@/lib/env";
import { checkDeliveredReportAfterResponse } from "@/lib/lab-results/guard-check";
import { clientIp } from "@/lib/request";
import { describeError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/**
 * Docus delivers interpretation reports here (CONTRACT.md section 2). Order matters:
 * authenticate (the shared secret before reading anything, the signature over the exact
 * raw bytes), cap the body while reading it, then parse, then store in one transaction.
 * 200 only after the commit; every attempt is written to the deliveries log.
 */

const JSON_HEADERS = { "Cache-Control": "no-store" };

function reply(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...JSON_HEADERS, ...headers } });
}

async function refuse(
  status: number,
  reason: string,
  context: { webhookId: string | null; remoteIp: string; bodyBytes: number | null },
  headers: Record<string, string> = {},
): Promise<Response> {
  try {
    await recordRefusedDelivery(await getDb(), { httpStatus: status, reason, ...context });
  } catch {
    console.error(`[deliveries] could not log a refused delivery (${status}): database unavailable`);
  }
  const message = status === 401 ? "Authentication failed." : reason;
  return reply(status, { status: "error", error: message }, headers);
}

export async function POST(request: Request): Promise<Response> {
  const remoteIp = clientIp((name) => request.headers.get(name));
  const webhookId = request.headers.get("webhook-id");
  const context = { webhookId, remoteIp, bodyBytes: null as number | null };
  const config = deliveryAuthFromEnv();
  if (!config.sharedSecret && !config.webhookSecret) {
    return refuse(401, "delivery authentication is not configured", context);
  }
  // A wrong shared secret is refused before the body is read at all.
  if (config.sharedSecret) {
    const early = authenticateDelivery(
      { header: config.header, sharedSecret: config.sharedSecret },
      request.headers,
      new Uint8Array(),
    );
    if (!early.ok) return refuse(401, early.reason, context);
  }

  let raw: Uint8Array;
  try {
    raw = await readBodyCapped(
      request.body,
      request.headers.get("content-length"),
      getEnv().MAX_DELIVERY_MB * 1024 * 1024,
    );
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return refuse(413, `body over the ${getEnv().MAX_DELIVERY_MB} MB limit`, context);
    }
    return refuse(400, "the body could not be read", context);
  }
  context.bodyBytes = raw.byteLength;

  const auth = authenticateDelivery(config, request.headers, raw);
  if (!auth.ok) return refuse(401, auth.reason, context);

  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    return refuse(415, "Content-Type must be application/json", context);
  }

  const parsed = parseDelivery(raw);
  if (!parsed.ok) return refuse(parsed.status, parsed.reason, context);
  const report = parsed.delivery;

  try {
    const stored = await storeDeliveredReport(await getDb(), report, {
      webhookId: auth.webhookId,
      remoteIp,
      bodyBytes: raw.byteLength,
      idempotencyKey: (labKey) =>
        deliveryIdempotencyKey({
          webhookId: auth.webhookId,
          labKey,
          referenceId: report.referenceId,
          patientId: report.patientId,
          sha256: report.sha256,
        }),
    });
    // The wrong-patient check of the report's text runs after the answer and never fails a delivery.
    if (!stored.duplicate) await checkDeliveredReportAfterResponse(stored.reportId);
    return reply(200, { status: "success", duplicate: stored.duplicate });
  } catch (error) {
    // Not stored: say so, so that Docus delivers again; the idempotency key makes the
    // later delivery store exactly once.
    console.error(`[deliveries] could not store a report: ${describeError(error)}`);
    return refuse(503, "the report could not be stored right now", context, { "Retry-After": "30" });
  }
}

function methodNotAllowed(): Response {
  return reply(405, { status: "error", error: "Use POST." }, { Allow: "POST" });
}

export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };
