import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { checkPdf, sha256Hex } from "@/lib/pdf/check";
import { sanitizeFileName } from "@/lib/pdf/response";
import { verifyWebhook } from "./webhook-signature";

/**
 * Interpretation report deliveries (CONTRACT.md section 2): how Docus authenticates them,
 * how much of a body we read, and how a body becomes a ParsedDelivery. This is the only
 * module that knows the delivery's field names; the body shape and its aliases are
 * assumptions of ours, so a partner with the exact spec changes this file only.
 */

// ---------------------------------------------------------------------------------------
// Authentication

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

/** Hashing first gives both sides the same length, so the comparison does not leak it. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
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
    if (!sameSecret(given, config.sharedSecret)) return { ok: false, reason: "wrong shared secret" };
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

// ---------------------------------------------------------------------------------------
// Reading the body

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

function declaredLength(contentLength: string | null): number | null {
  if (contentLength === null || !/^\d{1,15}$/.test(contentLength.trim())) return null;
  return Number(contentLength.trim());
}

/**
 * Reads a whole body of at most `maxBytes`. A Content-Length over the cap is refused
 * before anything is read; a body that grows past the cap while streaming is cancelled
 * at once. Either way the error is a BodyTooLargeError. Memory grows only with the bytes
 * that actually arrived: a declared length is never allocated up front, so a sender that
 * declares 30 MB and trickles bytes holds no more than it sent.
 */
export async function readBodyCapped(
  body: ReadableStream<Uint8Array> | null,
  contentLength: string | null,
  maxBytes: number,
): Promise<Uint8Array> {
  const declared = declaredLength(contentLength);
  if (declared !== null && declared > maxBytes) {
    if (body) await body.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes);
  }
  if (!body) return new Uint8Array(0);

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.byteLength === 0) continue;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new BodyTooLargeError(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }

  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const whole = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

// ---------------------------------------------------------------------------------------
// Parsing

export type ParsedDelivery = {
  patientId: string;
  referenceId: string | null;
  partnerLabId: string | null;
  fileName: string;
  pdf: Uint8Array;
  sha256: string;
  metadata: Record<string, unknown>;
};

export type DeliveryParseResult =
  { ok: true; delivery: ParsedDelivery } | { ok: false; status: 400 | 422; reason: string };

const KNOWN_FIELDS = new Set([
  "patient_id",
  "reference_id",
  "accession_number",
  "partner_lab_id",
  "file_base64",
  "report_base64",
]);
const ID_MAX = 128;
export const METADATA_MAX_BYTES = 16 * 1024;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

const typeError = (field: string, expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${field} is required` : `${field} must be ${expected}`;

/** An identifier: trimmed, no control characters (Postgres refuses NUL in text). */
function identifier(field: string) {
  return z
    .string({ error: typeError(field, "a string") })
    .trim()
    .max(ID_MAX, { error: `${field} must be at most ${ID_MAX} characters` })
    .refine((value) => !CONTROL_CHARS.test(value), { error: `${field} must not contain control characters` });
}

function optionalIdentifier(field: string) {
  return identifier(field)
    .nullish()
    .transform((value) => (value ? value : null));
}

const optionalText = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .nullish()
    .transform((value) => value ?? null);

const deliverySchema = z.object({
  patient_id: identifier("patient_id").min(1, { error: "patient_id is required" }),
  reference_id: optionalIdentifier("reference_id"),
  accession_number: optionalIdentifier("accession_number"),
  partner_lab_id: optionalIdentifier("partner_lab_id"),
  file_base64: z
    .object(
      {
        mime_type: optionalText("file_base64.mime_type"),
        content: z.string({ error: typeError("file_base64.content", "a base64 string") }),
        file_name: optionalText("file_base64.file_name"),
      },
      { error: "file_base64 must be an object with mime_type, content and file_name" },
    )
    .nullish()
    .transform((value) => value ?? null),
  report_base64: z
    .string({ error: "report_base64 must be a base64 string" })
    .nullish()
    .transform((value) => value ?? null),
});

const fail = (status: 400 | 422, reason: string): DeliveryParseResult => ({ ok: false, status, reason });

/** The base64 alphabet value of each ASCII code, or -1. */
const BASE64_VALUES = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

function base64Value(code: number): number {
  return code < 128 ? (BASE64_VALUES[code] ?? -1) : -1;
}

/**
 * Strict standard base64: the 64-letter alphabet only, no whitespace, padded to a
 * multiple of 4, at most two '=' and only at the end, and zero bits where the last
 * letter has more bits than the data needs (so every byte string has exactly one
 * accepted encoding). Buffer.from(s, "base64") alone would silently skip anything it
 * does not understand, hence the check before it.
 */
export function decodeStrictBase64(text: string): Buffer | null {
  const length = text.length;
  if (length === 0 || length % 4 !== 0) return null;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const dataLength = length - padding;
  for (let i = 0; i < dataLength; i++) {
    if (base64Value(text.charCodeAt(i)) < 0) return null;
  }
  const last = base64Value(text.charCodeAt(dataLength - 1));
  if (padding === 2 && (last & 0x0f) !== 0) return null;
  if (padding === 1 && (last & 0x03) !== 0) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.byteLength === (length / 4) * 3 - padding ? bytes : null;
}

/**
 * The body's unknown top-level fields. Large ones are replaced by a note, and NUL
 * characters by U+FFFD because Postgres jsonb refuses \u0000.
 */
function extraMetadata(body: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(body).filter(([key]) => !KNOWN_FIELDS.has(key));
  if (entries.length === 0) return {};
  const json = JSON.stringify(Object.fromEntries(entries));
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > METADATA_MAX_BYTES) {
    return {
      _portal_note: `${entries.length} extra field(s) totalling ${bytes} bytes exceeded the ${METADATA_MAX_BYTES}-byte limit and were not kept`,
    };
  }
  // The six characters \u0000 are a NUL escape only when an even number of backslashes
  // precedes them; otherwise they are the literal text "\u0000", which is kept.
  return JSON.parse(json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1\\ufffd")) as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseUnsafe(rawBody: Uint8Array): DeliveryParseResult {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(rawBody);
  } catch {
    return fail(400, "body is not valid UTF-8");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(400, "malformed JSON");
  }
  if (!isPlainObject(json)) return fail(400, "body must be a JSON object");

  const parsed = deliverySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(400, issue ? issue.message : "invalid delivery");
  }
  const fields = parsed.data;

  if (fields.reference_id && fields.accession_number && fields.reference_id !== fields.accession_number) {
    return fail(400, "reference_id and accession_number differ");
  }
  const referenceId = fields.reference_id ?? fields.accession_number;

  if (fields.file_base64 && fields.report_base64 !== null) {
    return fail(400, "send either file_base64 or report_base64, not both");
  }
  const file = fields.file_base64;
  const content = file ? file.content : fields.report_base64;
  if (content === null) return fail(400, "file_base64 is required");
  const field = file ? "file_base64.content" : "report_base64";

  if (file && file.mime_type !== null && file.mime_type.split(";")[0]?.trim().toLowerCase() !== "application/pdf") {
    return fail(422, "file_base64.mime_type must be application/pdf");
  }
  if (content === "") return fail(422, `${field} is empty`);
  const pdf = decodeStrictBase64(content);
  if (!pdf) return fail(422, `${field} is invalid base64`);
  const pdfCheck = checkPdf(pdf, "The report");
  if (!pdfCheck.ok) return fail(422, pdfCheck.message);

  const fileName =
    (file?.file_name ? sanitizeFileName(file.file_name, "") : "") ||
    sanitizeFileName(
      `interpretation-${referenceId ? referenceId.replace(/[^A-Za-z0-9._-]/g, "_") : "report"}.pdf`,
      "interpretation-report.pdf",
    );

  return {
    ok: true,
    delivery: {
      patientId: fields.patient_id,
      referenceId,
      partnerLabId: fields.partner_lab_id,
      fileName,
      pdf,
      sha256: sha256Hex(pdf),
      metadata: extraMetadata(json),
    },
  };
}

/**
 * A delivery body as the portal's ParsedDelivery. 400: not JSON, or fields missing or of
 * the wrong shape; 422: well-formed but the report is not a PDF (wrong mime type,
 * invalid base64, bytes that are not a PDF). Never throws.
 */
export function parseDelivery(rawBody: Uint8Array): DeliveryParseResult {
  try {
    return parseUnsafe(rawBody);
  } catch {
    return fail(400, "the body could not be parsed");
  }
}

// ---------------------------------------------------------------------------------------
// Idempotency

/**
 * The key that makes a repeated delivery store once: the webhook id when Docus sent one
 * (Standard Webhooks keeps it across retries) together with the PDF's SHA-256, else a
 * hash of what identifies the report. Without a webhook secret the id is not signed, so
 * it alone must never decide: a different report that reuses an id is a new report.
 */
export function deliveryIdempotencyKey(input: {
  webhookId: string | null;
  labKey: string;
  referenceId: string | null;
  patientId: string;
  sha256: string;
}): string {
  if (input.webhookId) return `wh:${input.webhookId}:${input.sha256}`;
  const canonical = JSON.stringify([input.labKey, input.referenceId, input.patientId, input.sha256]);
  return `h:${createHash("sha256").update(canonical, "utf8").digest("hex")}`;
}
