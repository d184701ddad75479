import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { signWebhook, verifyWebhook } from "./webhook-signature";

// The test vector published by Standard Webhooks.
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const timestamp = 1614265330;
const body = '{"test": 2432232314}';
const expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const sentAt = new Date(timestamp * 1000);
const otherSecret = "whsec_ZXhhbXBsZS1zZWNyZXQtZm9yLXJvdGF0aW9u";

const bytes = (text: string) => new TextEncoder().encode(text);
const headers = (signature: string, ts: number | string = timestamp) => ({ id, timestamp: String(ts), signature });

describe("signWebhook", () => {
  it("matches the Standard Webhooks known-answer vector", () => {
    expect(signWebhook(secret, id, timestamp, body)).toBe(expected);
  });

  it("signs bytes and strings alike", () => {
    expect(signWebhook(secret, id, timestamp, bytes(body))).toBe(expected);
  });

  it("refuses a secret that is not base64", () => {
    expect(() => signWebhook("whsec_not base64!", id, timestamp, body)).toThrow(/whsec_/);
  });
});

describe("verifyWebhook", () => {
  it("accepts the known-answer vector", () => {
    expect(verifyWebhook(secret, headers(expected), bytes(body), sentAt)).toEqual({ ok: true });
  });

  it("accepts any matching entry while secrets rotate", () => {
    const old = signWebhook(otherSecret, id, timestamp, body);
    expect(verifyWebhook(secret, headers(`${old} ${expected}`), bytes(body), sentAt)).toEqual({ ok: true });
    expect(verifyWebhook(otherSecret, headers(`${old} ${expected}`), bytes(body), sentAt)).toEqual({ ok: true });
  });

  it("ignores other signature versions and malformed entries", () => {
    const v1 = expected.slice(3);
    expect(verifyWebhook(secret, headers(`v1a,${v1} garbage v2,${v1}`), bytes(body), sentAt)).toEqual({
      ok: false,
      reason: "no matching v1 signature",
    });
    expect(verifyWebhook(secret, headers(`v1,short v1,${v1}`), bytes(body), sentAt)).toEqual({ ok: true });
  });

  it("rejects a signature made with another secret", () => {
    const forged = signWebhook(otherSecret, id, timestamp, body);
    expect(verifyWebhook(secret, headers(forged), bytes(body), sentAt)).toEqual({
      ok: false,
      reason: "no matching v1 signature",
    });
  });

  it("rejects a tampered body, id or timestamp", () => {
    expect(verifyWebhook(secret, headers(expected), bytes('{"test": 2432232315}'), sentAt).ok).toBe(false);
    expect(verifyWebhook(secret, { ...headers(expected), id: "msg_other" }, bytes(body), sentAt).ok).toBe(false);
    expect(verifyWebhook(secret, headers(expected, timestamp + 1), bytes(body), sentAt).ok).toBe(false);
  });

  it("rejects timestamps 10 minutes old or 10 minutes ahead, and accepts them within 5 minutes", () => {
    const at = (ms: number) => new Date(sentAt.getTime() + ms);
    expect(verifyWebhook(secret, headers(expected), bytes(body), at(10 * 60_000))).toEqual({
      ok: false,
      reason: "webhook-timestamp is too old",
    });
    expect(verifyWebhook(secret, headers(expected), bytes(body), at(-10 * 60_000))).toEqual({
      ok: false,
      reason: "webhook-timestamp is too far in the future",
    });
    expect(verifyWebhook(secret, headers(expected), bytes(body), at(299_000)).ok).toBe(true);
    expect(verifyWebhook(secret, headers(expected), bytes(body), at(-299_000)).ok).toBe(true);
    expect(verifyWebhook(secret, headers(expected), bytes(body), at(301_000)).ok).toBe(false);
  });

  it("rejects missing headers and malformed timestamps", () => {
    expect(
      verifyWebhook(secret, { id: null, timestamp: String(timestamp), signature: expected }, bytes(body), sentAt).ok,
    ).toBe(false);
    expect(verifyWebhook(secret, { id, timestamp: null, signature: expected }, bytes(body), sentAt).ok).toBe(false);
    expect(verifyWebhook(secret, { id, timestamp: String(timestamp), signature: null }, bytes(body), sentAt).ok).toBe(
      false,
    );
    expect(verifyWebhook(secret, headers(expected, "1614265330.0"), bytes(body), sentAt)).toEqual({
      ok: false,
      reason: "webhook-timestamp is not a whole number of seconds",
    });
  });

  it("fails closed on a misconfigured secret", () => {
    expect(verifyWebhook("whsec_***", headers(expected), bytes(body), sentAt).ok).toBe(false);
  });
});

describe("agreement with the standardwebhooks library", () => {
  it("signs text bodies exactly as the library does, and verifies what the library signs", () => {
    const library = new Webhook(secret);
    for (const text of [body, "", '{"patient_id":"P-1","reference_id":"ACC-1"}', "Müller ✓"]) {
      const signed = library.sign(id, sentAt, text);
      expect(signWebhook(secret, id, timestamp, text)).toBe(signed);
      expect(verifyWebhook(secret, headers(signed), bytes(text), sentAt)).toEqual({ ok: true });
    }
  });
});
