import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../crypto.ts";

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the signature is
 * HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}` with the base64-decoded
 * part of a `whsec_<base64>` secret as key, sent as `v1,<base64>`. Several space-separated
 * entries may be sent while a secret is being rotated.
 *
 * Signing and verifying are ours, not the standardwebhooks library's (its Webhook.sign
 * and verify are the test oracle in webhook-signature.test.ts instead): the library
 * signs `payload.toString()`, so a body of bytes is decoded as UTF-8 first and invalid
 * bytes become U+FFFD (two different bodies then share a signature, and a Uint8Array
 * that is not a Buffer is refused), while deliveries are verified over the exact bytes
 * received. Its verify also reads Date.now() with a fixed 5 minutes (no clock to test
 * against) and parses the timestamp with parseInt, accepting "1614265330.0"; and its
 * base64 decoder refuses an unpadded secret such as whsec_abc, which the configuration
 * accepts.
 */

export type WebhookHeaders = { id: string | null; timestamp: string | null; signature: string | null };

export type WebhookVerification = { ok: true } | { ok: false; reason: string };

const SECRET_PREFIX = "whsec_";
const DIGEST_BYTES = 32;

/** The HMAC key of a `whsec_<base64>` secret (the prefix is optional). */
function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new Error("The webhook secret must look like whsec_<base64>.");
  }
  const key = Buffer.from(encoded, "base64");
  if (key.length === 0) throw new Error("The webhook secret must look like whsec_<base64>.");
  return key;
}

function digest(key: Buffer, id: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest();
}

export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string | Uint8Array): string {
  if (!Number.isSafeInteger(timestampSeconds))
    throw new Error("The webhook timestamp must be a whole number of seconds.");
  return `v1,${digest(secretKey(secret), id, String(timestampSeconds), body).toString("base64")}`;
}

export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: Uint8Array,
  now: Date = new Date(),
  toleranceSeconds = 300,
): WebhookVerification {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) {
    return { ok: false, reason: "missing webhook-id, webhook-timestamp or webhook-signature header" };
  }
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: "webhook-timestamp is not a whole number of seconds" };
  const skew = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (skew > toleranceSeconds) return { ok: false, reason: "webhook-timestamp is too old" };
  if (skew < -toleranceSeconds) return { ok: false, reason: "webhook-timestamp is too far in the future" };

  let key: Buffer;
  try {
    key = secretKey(secret);
  } catch {
    return { ok: false, reason: "the configured webhook secret is not a whsec_<base64> value" };
  }
  const expected = digest(key, id, timestamp, rawBody);

  let matched = false;
  for (const entry of signature.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const candidate = Buffer.from(entry.slice(comma + 1), "base64");
    if (candidate.length !== DIGEST_BYTES) continue;
    // Every entry is compared, without stopping at a match, so the time taken does not
    // reveal which entry matched.
    if (constantTimeEqual(candidate, expected)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: "no matching v1 signature" };
}
