import { describe, expect, it } from "vitest";
import { deliveryIdempotencyKey } from "./idempotency";

describe("deliveryIdempotencyKey", () => {
  const input = { webhookId: null, labKey: "lab-1", referenceId: "ACC-1", patientId: "P-1", sha256: "ab".repeat(32) };

  it("is stable for the same input", () => {
    expect(deliveryIdempotencyKey(input)).toBe(deliveryIdempotencyKey({ ...input }));
    expect(deliveryIdempotencyKey(input)).toMatch(/^h:[0-9a-f]{64}$/);
  });

  it("uses the webhook id with the PDF's SHA-256: a retry is the same key, another report reusing the id is not", () => {
    expect(deliveryIdempotencyKey({ ...input, webhookId: "msg_1" })).toBe(`wh:msg_1:${"ab".repeat(32)}`);
    expect(deliveryIdempotencyKey({ ...input, webhookId: "msg_1", referenceId: "ACC-9" })).toBe(
      deliveryIdempotencyKey({ ...input, webhookId: "msg_1" }),
    );
    expect(deliveryIdempotencyKey({ ...input, webhookId: "msg_1", sha256: "cd".repeat(32) })).not.toBe(
      deliveryIdempotencyKey({ ...input, webhookId: "msg_1" }),
    );
  });

  it("differs when any identifying part differs, without ambiguity between parts", () => {
    const keys = new Set([
      deliveryIdempotencyKey(input),
      deliveryIdempotencyKey({ ...input, labKey: "lab-2" }),
      deliveryIdempotencyKey({ ...input, referenceId: null }),
      deliveryIdempotencyKey({ ...input, referenceId: "ACC-2" }),
      deliveryIdempotencyKey({ ...input, patientId: "P-2" }),
      deliveryIdempotencyKey({ ...input, sha256: "cd".repeat(32) }),
      deliveryIdempotencyKey({ ...input, labKey: "lab-1ACC-1", referenceId: "" }),
      deliveryIdempotencyKey({ ...input, referenceId: "null" }),
    ]);
    expect(keys.size).toBe(8);
  });
});
