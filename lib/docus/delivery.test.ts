import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { PDFDocument } from "pdf-lib";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { sha256Hex } from "@/lib/pdf/check";
import {
  BodyTooLargeError,
  METADATA_MAX_BYTES,
  authenticateDelivery,
  deliveryAuthFromEnv,
  deliveryIdempotencyKey,
  parseDelivery,
  readBodyCapped,
  type DeliveryAuthConfig,
  type DeliveryParseResult,
} from "./delivery";
import { signWebhook } from "./webhook-signature";

const encoder = new TextEncoder();
const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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

/** A stream of the given chunks that records whether it was pulled past them or cancelled. */
function chunkStream(chunks: Uint8Array[]) {
  const state = { pulls: 0, cancelled: false };
  let index = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls++;
        const chunk = chunks[index++];
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

const filled = (length: number, value: number) => new Uint8Array(length).fill(value);

describe("readBodyCapped", () => {
  it("returns a body under the cap, in order, with and without Content-Length", async () => {
    const parts = [filled(3, 1), filled(4, 2), filled(5, 3)];
    const expected = [...parts.flatMap((part) => Array.from(part))];
    for (const contentLength of ["12", null]) {
      const { stream } = chunkStream(parts);
      const body = await readBodyCapped(stream, contentLength, 100);
      expect(Array.from(body)).toEqual(expected);
    }
  });

  it("returns an empty body for no stream", async () => {
    expect((await readBodyCapped(null, null, 10)).byteLength).toBe(0);
  });

  it("accepts a body of exactly the cap", async () => {
    const { stream } = chunkStream([filled(6, 7), filled(4, 8)]);
    const body = await readBodyCapped(stream, null, 10);
    expect(body.byteLength).toBe(10);
    expect(body[9]).toBe(8);
    const declared = chunkStream([filled(10, 9)]);
    expect((await readBodyCapped(declared.stream, "10", 10)).byteLength).toBe(10);
  });

  it("holds only the bytes that arrived when a sender declares 30 MB and trickles (no allocation up front)", async () => {
    const declaredMb = 30;
    let pulls = 0;
    let stalled: (() => void) | undefined;
    const trickle = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls <= 3) {
          controller.enqueue(new Uint8Array(1024).fill(pulls));
          return;
        }
        // Then nothing more for a while, as a slow-loris sender does.
        return new Promise<void>((resolve) => {
          stalled = () => {
            controller.close();
            resolve();
          };
        });
      },
    });
    global.gc?.();
    const before = process.memoryUsage();
    const reading = readBodyCapped(trickle, String(declaredMb * 1024 * 1024), declaredMb * 1024 * 1024);
    await vi.waitFor(() => expect(stalled).toBeDefined());
    const during = process.memoryUsage();
    const grownMb = (during.arrayBuffers - before.arrayBuffers) / 1024 / 1024;
    // The old reader allocated the whole declared length here (30 MB); now only what arrived (3 KB).
    expect(grownMb).toBeLessThan(5);
    console.info(
      `[memory] declared ${declaredMb} MB, 3 KB sent: arrayBuffers +${grownMb.toFixed(2)} MB, rss ${(before.rss / 1048576).toFixed(1)} -> ${(during.rss / 1048576).toFixed(1)} MB`,
    );
    stalled?.();
    expect((await reading).byteLength).toBe(3 * 1024);
  });

  it("refuses a Content-Length over the cap without reading", async () => {
    let pulled = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull() {
          pulled = true;
          throw new Error("the body must not be read");
        },
      },
      { highWaterMark: 0 },
    );
    await expect(readBodyCapped(stream, "11", 10)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulled).toBe(false);
  });

  it("cancels a stream as soon as it passes the cap without Content-Length", async () => {
    const { stream, state } = chunkStream([filled(6, 1), filled(6, 2), filled(6, 3), filled(6, 4)]);
    await expect(readBodyCapped(stream, null, 10)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(state.cancelled).toBe(true);
    expect(state.pulls).toBe(2);
  });

  it("cancels a stream that sends more than its Content-Length promised and the cap allows", async () => {
    const { stream, state } = chunkStream([filled(6, 1), filled(6, 2)]);
    await expect(readBodyCapped(stream, "6", 10)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(state.cancelled).toBe(true);
  });

  it("still reads a body longer than its Content-Length when it stays under the cap", async () => {
    const { stream } = chunkStream([filled(3, 1), filled(3, 2)]);
    expect(Array.from(await readBodyCapped(stream, "4", 10))).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it("ignores a Content-Length that is not a number", async () => {
    const { stream } = chunkStream([filled(3, 1)]);
    expect((await readBodyCapped(stream, "lots", 10)).byteLength).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------

let pdfBytes: Uint8Array;
let pdfBase64: string;
/** PDFs whose base64 ends in "==" and in "=" (trailing bytes after %%EOF are allowed). */
let pdfBase64Padded: { two: string; one: string };
let pngBase64: string;

beforeAll(async () => {
  const doc = await PDFDocument.create();
  doc.addPage([300, 300]);
  pdfBytes = await doc.save();
  pdfBase64 = Buffer.from(pdfBytes).toString("base64");
  const withTail = (extra: number) => {
    const tail = Buffer.alloc(extra, 0x0a);
    return Buffer.concat([Buffer.from(pdfBytes), tail]);
  };
  const ofRemainder = (remainder: number) => {
    for (let extra = 0; extra < 3; extra++) {
      const padded = withTail(extra);
      if (padded.length % 3 === remainder) return padded.toString("base64");
    }
    throw new Error("unreachable");
  };
  pdfBase64Padded = { two: ofRemainder(1), one: ofRemainder(2) };
  pngBase64 = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]).toString(
    "base64",
  );
});

const parse = (body: unknown) => parseDelivery(bytes(typeof body === "string" ? body : JSON.stringify(body)));

function canonical(overrides: Record<string, unknown> = {}, file: Record<string, unknown> = {}) {
  return {
    patient_id: "P-0001",
    reference_id: "ACC-42",
    partner_lab_id: "lab-north",
    file_base64: { mime_type: "application/pdf", content: pdfBase64, file_name: "interpretation.pdf", ...file },
    ...overrides,
  };
}

function expectOk(result: DeliveryParseResult) {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.reason}`);
  return result.delivery;
}

describe("parseDelivery", () => {
  it("parses the canonical body", () => {
    const delivery = expectOk(parse(canonical()));
    expect(delivery).toMatchObject({
      patientId: "P-0001",
      referenceId: "ACC-42",
      partnerLabId: "lab-north",
      fileName: "interpretation.pdf",
      sha256: sha256Hex(pdfBytes),
      metadata: {},
    });
    expect(Buffer.from(delivery.pdf).equals(Buffer.from(pdfBytes))).toBe(true);
  });

  it("parses what the simulator sends (no reference or lab id)", () => {
    const delivery = expectOk(
      parse({ patient_id: "P-9", file_base64: { mime_type: "application/pdf", content: pdfBase64 } }),
    );
    expect(delivery).toMatchObject({
      patientId: "P-9",
      referenceId: null,
      partnerLabId: null,
      fileName: "interpretation-report.pdf",
    });
  });

  it("accepts both kinds of padding", () => {
    for (const content of [pdfBase64Padded.two, pdfBase64Padded.one]) {
      expect(parse(canonical({}, { content })).ok).toBe(true);
    }
    expect(pdfBase64Padded.two.endsWith("==")).toBe(true);
    expect(pdfBase64Padded.one.endsWith("=") && !pdfBase64Padded.one.endsWith("==")).toBe(true);
  });

  it("trims identifiers and treats empty optional ones as absent", () => {
    const delivery = expectOk(parse(canonical({ patient_id: "  P-7 ", reference_id: "", partner_lab_id: null })));
    expect(delivery).toMatchObject({ patientId: "P-7", referenceId: null, partnerLabId: null });
  });

  it("accepts the aliases accession_number and report_base64", () => {
    const delivery = expectOk(parse({ patient_id: "P-2", accession_number: "ACC-7", report_base64: pdfBase64 }));
    expect(delivery).toMatchObject({
      patientId: "P-2",
      referenceId: "ACC-7",
      fileName: "interpretation-ACC-7.pdf",
      sha256: sha256Hex(pdfBytes),
      metadata: {},
    });
    expect(expectOk(parse(canonical({ accession_number: "ACC-42" }))).referenceId).toBe("ACC-42");
  });

  it("refuses conflicting aliases with 400", () => {
    expect(parse(canonical({ accession_number: "ACC-43" }))).toEqual({
      ok: false,
      status: 400,
      reason: "reference_id and accession_number differ",
    });
    expect(parse({ ...canonical(), report_base64: pdfBase64 })).toEqual({
      ok: false,
      status: 400,
      reason: "send either file_base64 or report_base64, not both",
    });
    expect(parse({ patient_id: "P-1" })).toEqual({ ok: false, status: 400, reason: "file_base64 is required" });
  });

  it("refuses a missing, empty or non-string patient_id with 400", () => {
    const { patient_id: _omitted, ...withoutPatient } = canonical();
    expect(parse(withoutPatient)).toEqual({ ok: false, status: 400, reason: "patient_id is required" });
    expect(parse(canonical({ patient_id: "   " }))).toEqual({
      ok: false,
      status: 400,
      reason: "patient_id is required",
    });
    expect(parse(canonical({ patient_id: 42 }))).toEqual({
      ok: false,
      status: 400,
      reason: "patient_id must be a string",
    });
    expect(parse(canonical({ patient_id: "x".repeat(129) }))).toMatchObject({ ok: false, status: 400 });
    expect(parse(canonical({ patient_id: "P\u00001" }))).toMatchObject({ ok: false, status: 400 });
    expect(parse(canonical({ reference_id: 5 }))).toEqual({
      ok: false,
      status: 400,
      reason: "reference_id must be a string",
    });
  });

  it("refuses malformed JSON, invalid UTF-8 and bodies that are not objects with 400", () => {
    expect(parse('{"patient_id": "P-1",')).toEqual({ ok: false, status: 400, reason: "malformed JSON" });
    expect(parse("")).toEqual({ ok: false, status: 400, reason: "malformed JSON" });
    expect(parseDelivery(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      status: 400,
      reason: "body is not valid UTF-8",
    });
    for (const body of ["[]", `[${JSON.stringify(canonical())}]`, "null", "42", '"text"']) {
      expect(parse(body)).toEqual({ ok: false, status: 400, reason: "body must be a JSON object" });
    }
    expect(parse(canonical({ file_base64: "JVBERi0=" }))).toMatchObject({ ok: false, status: 400 });
  });

  it("refuses the base64 of a PNG with 422", () => {
    const result = parse(canonical({}, { content: pngBase64 }));
    expect(result).toMatchObject({ ok: false, status: 422 });
    expect(!result.ok && result.reason).toMatch(/not a PDF/);
    expect(parse({ patient_id: "P-1", report_base64: pngBase64 })).toMatchObject({ ok: false, status: 422 });
  });

  it("refuses a truncated PDF with 422", () => {
    const truncated = Buffer.from(pdfBytes)
      .subarray(0, pdfBytes.length - 40)
      .toString("base64");
    const result = parse(canonical({}, { content: truncated }));
    expect(result).toMatchObject({ ok: false, status: 422 });
    expect(!result.ok && result.reason).toMatch(/incomplete/);
  });

  it("refuses invalid base64 with 422", () => {
    const middle = Math.floor(pdfBase64.length / 2);
    const invalid = [
      `${pdfBase64.slice(0, middle)}*${pdfBase64.slice(middle + 1)}`,
      `${pdfBase64.slice(0, middle)} ${pdfBase64.slice(middle)}`,
      `${pdfBase64.slice(0, middle)}\n${pdfBase64.slice(middle)}`,
      `${pdfBase64}\n`,
      `${pdfBase64}====`,
      pdfBase64Padded.two.slice(0, -2),
      pdfBase64Padded.two.slice(0, -1),
      `${pdfBase64.slice(0, 8)}=${pdfBase64.slice(9)}`,
      pdfBase64.replace(/\+/g, "-").replace(/\//g, "_"),
      `${pdfBase64.slice(0, middle)}-${pdfBase64.slice(middle + 1)}`,
      `${pdfBase64.slice(0, middle)}_${pdfBase64.slice(middle + 1)}`,
      `${pdfBase64.slice(0, middle)}é${pdfBase64.slice(middle + 1)}`,
    ];
    expect(/[+/]/.test(pdfBase64)).toBe(true);
    for (const content of invalid) {
      expect(parse(canonical({}, { content }))).toEqual({
        ok: false,
        status: 422,
        reason: "file_base64.content is invalid base64",
      });
    }
    expect(parse({ patient_id: "P-1", report_base64: `${pdfBase64} ` })).toEqual({
      ok: false,
      status: 422,
      reason: "report_base64 is invalid base64",
    });
    expect(parse(canonical({}, { content: "" }))).toEqual({
      ok: false,
      status: 422,
      reason: "file_base64.content is empty",
    });
  });

  it("refuses base64 whose unused trailing bits are not zero", () => {
    for (const content of [pdfBase64Padded.two, pdfBase64Padded.one]) {
      const padding = content.endsWith("==") ? 2 : 1;
      const lastIndex = content.length - padding - 1;
      const last = BASE64_ALPHABET.indexOf(content.charAt(lastIndex));
      const altered = `${content.slice(0, lastIndex)}${BASE64_ALPHABET.charAt(last | 1)}${content.slice(lastIndex + 1)}`;
      expect(Buffer.from(altered, "base64").equals(Buffer.from(content, "base64"))).toBe(true);
      expect(parse(canonical({}, { content: altered }))).toMatchObject({ ok: false, status: 422 });
    }
  });

  it("refuses a mime_type other than application/pdf with 422", () => {
    expect(parse(canonical({}, { mime_type: "image/png" }))).toEqual({
      ok: false,
      status: 422,
      reason: "file_base64.mime_type must be application/pdf",
    });
    expect(parse(canonical({}, { mime_type: "Application/PDF" })).ok).toBe(true);
    const { mime_type: _omitted, ...withoutMime } = canonical().file_base64;
    expect(parse(canonical({ file_base64: withoutMime })).ok).toBe(true);
  });

  it("keeps unknown fields as metadata, without the report content", () => {
    const delivery = expectOk(
      parse(canonical({ report_id: "r-123", generated_at: "2025-06-01T12:00:00Z", nested: { a: [1, 2] } })),
    );
    expect(delivery.metadata).toEqual({
      report_id: "r-123",
      generated_at: "2025-06-01T12:00:00Z",
      nested: { a: [1, 2] },
    });
    expect(JSON.stringify(delivery.metadata)).not.toContain(pdfBase64.slice(0, 40));

    const withProto = expectOk(
      parseDelivery(bytes(JSON.stringify(canonical()).replace(/^\{/, '{"__proto__": {"polluted": 1},'))),
    );
    expect(Object.getPrototypeOf(withProto.metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(withProto.metadata, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("drops oversized metadata, keeping a note, and replaces NUL characters", () => {
    const delivery = expectOk(parse(canonical({ blob: "x".repeat(METADATA_MAX_BYTES + 1) })));
    expect(Object.keys(delivery.metadata)).toEqual(["_portal_note"]);
    expect(String(delivery.metadata._portal_note)).toMatch(/not kept/);
    const withNul = expectOk(parse(canonical({ note: "a\u0000b", literal: "\\u0000" })));
    expect(withNul.metadata).toEqual({ note: "a\ufffdb", literal: "\\u0000" });
  });

  it("sanitizes the file name", () => {
    const name = (file_name: unknown) => expectOk(parse(canonical({}, { file_name }))).fileName;
    expect(name("../../etc/passwd")).toBe("passwd.pdf");
    expect(name("C:\\reports\\final report.pdf")).toBe("final report.pdf");
    expect(name("re\u0000po\u001brt\u202e.pdf")).toBe("report.pdf");
    expect(name("invoice\u202Efdp.exe")).toBe("invoicefdp.exe.pdf");
    expect(name("c1\u0085\u009b.pdf")).toBe("c1.pdf");
    expect(name("..hidden.pdf")).toBe("hidden.pdf");
    expect(name("Report.PDF")).toBe("Report.PDF");
    const long = name(`${"a".repeat(300)}.pdf`);
    expect(long.length).toBe(150);
    expect(long.endsWith(".pdf")).toBe(true);
    expect(name("/")).toBe("interpretation-ACC-42.pdf");
    expect(name(null)).toBe("interpretation-ACC-42.pdf");
    expect(expectOk(parse({ patient_id: "P", reference_id: "A/B C", report_base64: pdfBase64 })).fileName).toBe(
      "interpretation-A_B_C.pdf",
    );
  });
});

describe("parseDelivery properties", () => {
  const isRefusal = (result: DeliveryParseResult) =>
    result.ok || (typeof result.reason === "string" && result.reason.length > 0 && [400, 422].includes(result.status));

  it("answers ok, 400 or 422 for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parse(JSON.stringify(value) ?? "null");
        expect(isRefusal(result)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("answers ok, 400 or 422 for objects mixing the known fields with anything", () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.string(),
      fc.constant(null),
      fc.constantFrom(pdfBase64, "JVBERi0=", "", "application/pdf"),
    );
    const fileLike = fc.oneof(
      anything,
      fc.record({ mime_type: anything, content: anything, file_name: anything }, { requiredKeys: [] }),
    );
    const body = fc.record(
      {
        patient_id: anything,
        reference_id: anything,
        accession_number: anything,
        partner_lab_id: anything,
        file_base64: fileLike,
        report_base64: anything,
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(body, (value) => {
        let text: string;
        try {
          text = JSON.stringify(value) ?? "null";
        } catch {
          return;
        }
        expect(isRefusal(parse(text))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("answers ok, 400 or 422 for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (raw) => {
        expect(isRefusal(parseDelivery(raw))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("never accepts content that is not the strict base64 of a PDF", () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(pdfBase64, pdfBase64Padded.two, pdfBase64Padded.one),
        fc.nat(),
        fc.string({ minLength: 0, maxLength: 3 }),
        fc.nat({ max: 3 }),
      )
      .map(([base, position, insert, deleted]) => {
        const at = position % (base.length + 1);
        return `${base.slice(0, at)}${insert}${base.slice(at + deleted)}`;
      });
    const tweakedTail = fc
      .tuple(fc.constantFrom(pdfBase64Padded.two, pdfBase64Padded.one), fc.string({ maxLength: 4 }), fc.nat({ max: 4 }))
      .map(([base, tail, cut]) => `${base.slice(0, base.length - cut)}${tail}`);
    const lastLetter = fc
      .tuple(fc.constantFrom(pdfBase64Padded.two, pdfBase64Padded.one), fc.constantFrom(...BASE64_ALPHABET))
      .map(([base, letter]) => {
        const index = base.length - (base.endsWith("==") ? 3 : 2);
        return `${base.slice(0, index)}${letter}${base.slice(index + 1)}`;
      });
    const content = fc.oneof(fc.string(), fc.base64String(), mutated, tweakedTail, lastLetter);
    let accepted = 0;
    fc.assert(
      fc.property(content, (text) => {
        const result = parse(canonical({}, { content: text }));
        expect(isRefusal(result)).toBe(true);
        if (result.ok) {
          accepted++;
          expect(Buffer.from(text, "base64").toString("base64")).toBe(text);
          expect(sha256Hex(result.delivery.pdf)).toBe(result.delivery.sha256);
        }
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});

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
