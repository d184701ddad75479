import { constantTimeEqual } from "@/lib/crypto";
import { getEnv } from "@/lib/env";
import { verifyWebhook } from "../webhook-signature";

/**
 * How Docus authenticates a report delivery (docs/docus-contract.md, section 2): a shared secret in a
 * header, Standard Webhooks signatures, or both.
 */

export type DeliveryAuthConfig = { header: string; sharedSecret?: string; webhookSecret?: string };

export type DeliveryAuthResult = { ok: true; webhookId: string | null } | { ok: false; reason: string };

type HeaderSource = { get(name: string): string | null };

const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export function deliveryAuthFromEnv(): DeliveryAuthConfig {
  const env = getEnv();
  return {
    header: env.DOCUS_DELIVERY_HEADER,
    ...(env.DOCUS_DELIVERY_SECRET ? { sharedSecret: env.DOCUS_DELIVERY_SECRET } : {}),
    ...(env.DOCUS_WEBHOOK_SECRET ? { webhookSecret: env.DOCUS_WEBHOOK_SECRET } : {}),
  };
}

/** verifyWebhook's reasons, shortened; all of them are free of secrets and signatures. */
const WEBHOOK_REASONS: Record<string, string> = {
  "webhook-timestamp is too old": "webhook timestamp outside tolerance",
  "webhook-timestamp is too far in the future": "webhook timestamp outside tolerance",
  "webhook-timestamp is not a whole number of seconds": "webhook timestamp is not a number",
  "no matching v1 signature": "no matching webhook signature",
  "the configured webhook secret is not a whsec_<base64> value": "webhook secret is misconfigured",
};

/**
 * Checks every configured method (both when both are configured); with none configured
 * every delivery is refused. The webhook signature is checked over `rawBody` exactly as
 * received, so pass the bytes before any parsing.
 */
export function authenticateDelivery(
  config: DeliveryAuthConfig,
  headers: HeaderSource,
  rawBody: Uint8Array,
  now: Date = new Date(),
): DeliveryAuthResult {
  if (!config.sharedSecret && !config.webhookSecret) {
    return { ok: false, reason: "delivery authentication is not configured" };
  }
  if (config.sharedSecret) {
    const given = headers.get(config.header);
    if (!given) return { ok: false, reason: "missing shared secret header" };
    if (!constantTimeEqual(given, config.sharedSecret)) return { ok: false, reason: "wrong shared secret" };
  }
  const webhookId = headers.get("webhook-id") || null;
  if (config.webhookSecret) {
    const timestamp = headers.get("webhook-timestamp") || null;
    const signature = headers.get("webhook-signature") || null;
    if (!webhookId || !timestamp || !signature) return { ok: false, reason: "missing webhook signature headers" };
    const verified = verifyWebhook(
      config.webhookSecret,
      { id: webhookId, timestamp, signature },
      rawBody,
      now,
      WEBHOOK_TOLERANCE_SECONDS,
    );
    if (!verified.ok) return { ok: false, reason: WEBHOOK_REASONS[verified.reason] ?? "webhook signature refused" };
  }
  return { ok: true, webhookId };
}
