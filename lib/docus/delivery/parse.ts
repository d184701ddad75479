import { decodeStrictBase64 } from "@/lib/bytes";
import { sha256Hex } from "@/lib/crypto";
import { checkPdf } from "@/lib/pdf/check";
import { fileNamePart, sanitizeFileName } from "@/lib/pdf/file-name";
import type { IncomingReport } from "@/lib/domain";
import { deliveryBodySchema } from "../contract";

/**
 * How a delivery body (its shape and aliases: deliveryBodySchema in ../contract.ts)
 * becomes the portal's IncomingReport (lib/domain.ts): aliases resolved, the report's strict Base64 decoded and
 * checked as a PDF, the file name sanitised, unknown fields kept as metadata.
 */

export type DeliveryParseResult =
  { ok: true; delivery: IncomingReport & { pdfBase64: string } } | { ok: false; status: 400 | 422; reason: string };

/** The delivery body's own fields; any other top-level field is kept as metadata. */
const KNOWN_FIELDS = new Set(Object.keys(deliveryBodySchema.shape));
export const METADATA_MAX_BYTES = 16 * 1024;

const fail = (status: 400 | 422, reason: string): DeliveryParseResult => ({ ok: false, status, reason });

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

  const parsed = deliveryBodySchema.safeParse(json);
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
      `interpretation-${referenceId ? fileNamePart(referenceId) : "report"}.pdf`,
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
      // decodeStrictBase64 accepted it: the one encoding of these bytes.
      pdfBase64: content,
      sha256: sha256Hex(pdf),
      metadata: extraMetadata(json),
    },
  };
}

/**
 * A delivery body as the portal's IncomingReport. 400: not JSON, or fields missing or of
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
