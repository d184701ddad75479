import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { signWebhook } from "../webhook-signature";
import { authenticateDelivery, deliveryAuthFromEnv, type DeliveryAuthConfig } from "./authenticate";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

const sharedSecret = "shared-secret-0123456789abcdef";
const webhookKey = randomBytes(24).toString("base64");
const webhookSecret = `whsec_${webhookKey}`;
const otherWebhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
const now = new Date("2025-06-01T12:00:00Z");
const nowSeconds = Math.floor(now.getTime() / 1000);
const webhookId = "msg_2xYz0123456789";

const sharedOnly: DeliveryAuthConfig = { header: "x-api-key", sharedSecret };
const webhookOnly: DeliveryAuthConfig = { header: "x-api-key", webhookSecret };
const both: DeliveryAuthConfig = { header: "x-api-key", sharedSecret, webhookSecret };

const sampleBody = JSON.stringify({ patient_id: "P-1", reference_id: "ACC-1", file_base64: { content: "JVBERi0=" } });

function webhookHeaders(
  body: string | Uint8Array,
  options: { secret?: string; timestamp?: number; signature?: string } = {},
): Record<string, string> {
  const timestamp = options.timestamp ?? nowSeconds;
  return {
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": options.signature ?? signWebhook(options.secret ?? webhookSecret, webhookId, timestamp, body),
  };
}

describe("authenticateDelivery", () => {
  const reasons: string[] = [];
  const signatures: string[] = [];
  function auth(config: DeliveryAuthConfig, headers: Record<string, string>, body: string | Uint8Array = sampleBody) {
    const result = authenticateDelivery(
      config,
      new Headers(headers),
      typeof body === "string" ? bytes(body) : body,
      now,
    );
    if (!result.ok) reasons.push(result.reason);
    const signature = headers["webhook-signature"];
    if (signature) signatures.push(signature);
    return result;
  }

  it("refuses everything when nothing is configured", () => {
    expect(auth({ header: "x-api-key" }, { "x-api-key": sharedSecret, ...webhookHeaders(sampleBody) })).toEqual({
      ok: false,
      reason: "delivery authentication is not configured",
    });
  });

  describe("shared secret", () => {
    it("accepts the right secret and passes the webhook id on for idempotency", () => {
      expect(auth(sharedOnly, { "x-api-key": sharedSecret })).toEqual({ ok: true, webhookId: null });
      expect(auth(sharedOnly, { "x-api-key": sharedSecret, "webhook-id": "msg_abc" })).toEqual({
        ok: true,
        webhookId: "msg_abc",
      });
    });

    it("reads the configured header, whatever its case on the wire", () => {
      const config = { header: "x-docus-key", sharedSecret };
      expect(auth(config, { "X-Docus-Key": sharedSecret })).toEqual({ ok: true, webhookId: null });
      expect(auth(config, { "x-api-key": sharedSecret })).toEqual({
        ok: false,
        reason: "missing shared secret header",
      });
    });

    it("refuses a wrong, a truncated, a longer or an empty secret", () => {
      for (const given of ["wrong-secret-0123456789abcdef", sharedSecret.slice(0, -1), `${sharedSecret}x`]) {
        expect(auth(sharedOnly, { "x-api-key": given })).toEqual({ ok: false, reason: "wrong shared secret" });
      }
      expect(auth(sharedOnly, { "x-api-key": "" })).toEqual({ ok: false, reason: "missing shared secret header" });
    });

    it("refuses a missing header", () => {
      expect(auth(sharedOnly, {})).toEqual({ ok: false, reason: "missing shared secret header" });
    });
  });

  describe("webhook signature", () => {
    it("accepts a correct signature over the exact bytes", () => {
      expect(auth(webhookOnly, webhookHeaders(sampleBody))).toEqual({ ok: true, webhookId });
    });

    it("accepts a timestamp just inside the five-minute tolerance", () => {
      expect(auth(webhookOnly, webhookHeaders(sampleBody, { timestamp: nowSeconds - 299 }))).toMatchObject({
        ok: true,
      });
      expect(auth(webhookOnly, webhookHeaders(sampleBody, { timestamp: nowSeconds + 299 }))).toMatchObject({
        ok: true,
      });
    });

    it("refuses a timestamp ten minutes old or ten minutes ahead", () => {
      for (const timestamp of [nowSeconds - 600, nowSeconds + 600]) {
        expect(auth(webhookOnly, webhookHeaders(sampleBody, { timestamp }))).toEqual({
          ok: false,
          reason: "webhook timestamp outside tolerance",
        });
      }
    });

    it("refuses a body with one flipped byte", () => {
      const headers = webhookHeaders(sampleBody);
      const tampered = bytes(sampleBody);
      tampered[20] = (tampered[20] ?? 0) ^ 0x01;
      expect(auth(webhookOnly, headers, tampered)).toEqual({ ok: false, reason: "no matching webhook signature" });
    });

    it("refuses the same data serialised with other whitespace", () => {
      const headers = webhookHeaders(sampleBody);
      const reserialised = JSON.stringify(JSON.parse(sampleBody), null, 2);
      expect(JSON.parse(reserialised)).toEqual(JSON.parse(sampleBody));
      expect(auth(webhookOnly, headers, reserialised)).toEqual({ ok: false, reason: "no matching webhook signature" });
    });

    it("accepts any matching entry while the secret rotates", () => {
      const old = signWebhook(otherWebhookSecret, webhookId, nowSeconds, sampleBody);
      const current = signWebhook(webhookSecret, webhookId, nowSeconds, sampleBody);
      expect(auth(webhookOnly, webhookHeaders(sampleBody, { signature: `${old} ${current}` }))).toEqual({
        ok: true,
        webhookId,
      });
      expect(auth(webhookOnly, webhookHeaders(sampleBody, { signature: old }))).toEqual({
        ok: false,
        reason: "no matching webhook signature",
      });
    });

    it("refuses missing signature headers", () => {
      const full = webhookHeaders(sampleBody);
      for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
        const partial = Object.fromEntries(Object.entries(full).filter(([key]) => key !== name));
        expect(auth(webhookOnly, partial)).toEqual({ ok: false, reason: "missing webhook signature headers" });
      }
    });

    it("refuses a timestamp that is not a number", () => {
      const headers = { ...webhookHeaders(sampleBody), "webhook-timestamp": "soon" };
      expect(auth(webhookOnly, headers)).toEqual({ ok: false, reason: "webhook timestamp is not a number" });
    });
  });

  describe("both configured", () => {
    it("accepts when both pass", () => {
      expect(auth(both, { "x-api-key": sharedSecret, ...webhookHeaders(sampleBody) })).toEqual({ ok: true, webhookId });
    });

    it("requires the shared secret as well as the signature", () => {
      expect(auth(both, webhookHeaders(sampleBody))).toEqual({ ok: false, reason: "missing shared secret header" });
      expect(auth(both, { "x-api-key": "nope-nope-nope-nope", ...webhookHeaders(sampleBody) })).toEqual({
        ok: false,
        reason: "wrong shared secret",
      });
    });

    it("requires the signature as well as the shared secret", () => {
      expect(auth(both, { "x-api-key": sharedSecret })).toEqual({
        ok: false,
        reason: "missing webhook signature headers",
      });
      expect(
        auth(both, { "x-api-key": sharedSecret, ...webhookHeaders(sampleBody, { secret: otherWebhookSecret }) }),
      ).toEqual({ ok: false, reason: "no matching webhook signature" });
    });
  });

  it("never puts a secret or a signature in a reason", () => {
    expect(reasons.length).toBeGreaterThan(10);
    const forbidden = [sharedSecret, webhookSecret, webhookKey, otherWebhookSecret, ...signatures];
    for (const signature of signatures) {
      for (const entry of signature.split(" ")) forbidden.push(entry.slice(3));
    }
    for (const reason of reasons) {
      expect(reason.length).toBeLessThan(80);
      for (const value of forbidden) expect(reason).not.toContain(value);
    }
  });
});

describe("deliveryAuthFromEnv", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  it("reads the header (lower case) and both secrets from the environment", () => {
    vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(40));
    vi.stubEnv("DOCUS_DELIVERY_HEADER", "X-Docus-Key");
    vi.stubEnv("DOCUS_DELIVERY_SECRET", sharedSecret);
    vi.stubEnv("DOCUS_WEBHOOK_SECRET", webhookSecret);
    resetEnvCache();
    expect(deliveryAuthFromEnv()).toEqual({ header: "x-docus-key", sharedSecret, webhookSecret });
  });

  it("leaves unset secrets out and defaults the header", () => {
    vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(40));
    vi.stubEnv("DOCUS_DELIVERY_HEADER", "");
    vi.stubEnv("DOCUS_DELIVERY_SECRET", "");
    vi.stubEnv("DOCUS_WEBHOOK_SECRET", "");
    resetEnvCache();
    expect(deliveryAuthFromEnv()).toEqual({ header: "x-api-key" });
  });
});
