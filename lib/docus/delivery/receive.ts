import { BodyTooLargeError, readBodyCapped } from "@/lib/bytes";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import { getMetrics } from "@/lib/observability/metrics";
import { clientIp } from "@/lib/request";
import { authenticateDelivery, deliveryAuthFromEnv } from "./authenticate";
import { parseDelivery } from "./parse";
import { logRefusal, storeReport, type DeliveryContext } from "./store";

/**
 * One report delivery from Docus (docs/docus-contract.md, section 2), from the request to its
 * outcome. Order matters: authenticate (the shared secret before reading anything, the
 * signature over the exact raw bytes), cap the body while reading it, then parse, then
 * store in one transaction. Stored only after the commit; every attempt is written to
 * the deliveries log.
 */

export type DeliveryOutcome =
  | { kind: "stored"; duplicate: boolean; reportId: string }
  | {
      kind: "refused";
      status: 400 | 401 | 413 | 415 | 422 | 503;
      /** Free of secrets and signatures; safe to show to the sender. */
      reason: string;
      /** When to deliver again (503: not stored right now). */
      retryAfterSeconds?: number;
    };

type Refusal = Extract<DeliveryOutcome, { kind: "refused" }>;

async function refuse(
  status: Refusal["status"],
  reason: string,
  context: DeliveryContext,
  retryAfterSeconds?: number,
): Promise<Refusal> {
  await logRefusal(status, reason, context);
  return { kind: "refused", status, reason, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
}

export async function receiveDelivery(request: Request): Promise<DeliveryOutcome> {
  const outcome = await receive(request);
  const label = outcome.kind === "stored" ? (outcome.duplicate ? "duplicate" : "stored") : `refused_${outcome.status}`;
  getMetrics().deliveries.inc({ outcome: label });
  return outcome;
}

async function receive(request: Request): Promise<DeliveryOutcome> {
  const remoteIp = clientIp((name) => request.headers.get(name));
  const context: DeliveryContext = { webhookId: request.headers.get("webhook-id"), remoteIp, bodyBytes: null };
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

  const maxMb = getEnv().MAX_DELIVERY_MB;
  let raw: Uint8Array;
  try {
    raw = await readBodyCapped(request.body, request.headers.get("content-length"), maxMb * 1024 * 1024);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refuse(413, `body over the ${maxMb} MB limit`, context);
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

  try {
    const stored = await storeReport(parsed.delivery, {
      webhookId: auth.webhookId,
      remoteIp,
      bodyBytes: raw.byteLength,
    });
    return { kind: "stored", duplicate: stored.duplicate, reportId: stored.reportId };
  } catch (error) {
    // Not stored: say so, so that Docus delivers again; the idempotency key makes the
    // later delivery store exactly once.
    console.error(`[deliveries] could not store a report: ${describeError(error)}`);
    return refuse(503, "the report could not be stored right now", context, 30);
  }
}
