import { decodeStrictBase64 } from "../../lib/bytes.ts";
import { constantTimeEqual, sha256Hex } from "../../lib/crypto.ts";
import type http from "node:http";
import { isRecord } from "./http.ts";
import type { SimEndpoint, SimRequestRecord, ValidSubmission } from "./records.ts";

/** What the simulator checks of a submission, as Docus would (CONTRACT.md, section 1). */

/** Compares a received header with a configured value without revealing where they differ. */
function sameSecret(received: string | string[] | undefined, expected: string): boolean {
  const value = typeof received === "string" ? received : "";
  return constantTimeEqual(value, expected) && value !== "";
}

/** Best-effort metadata of a submission body, for the request listing. */
export function describeSubmission(body: unknown): Partial<SimRequestRecord> {
  if (!isRecord(body)) return {};
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  const file = isRecord(body.file_base64) ? body.file_base64 : null;
  const content = file && typeof file.content === "string" ? Buffer.from(file.content, "base64") : null;
  return {
    patient_id: text(body.patient_id),
    reference_id: text(body.reference_id),
    partner_lab_id: text(body.partner_lab_id),
    dataLength: typeof body.data === "string" ? body.data.length : null,
    fileName: file ? text(file.file_name) : null,
    size: content ? content.length : null,
    sha256: content ? sha256Hex(content) : null,
  };
}

/** The rules of CONTRACT.md, section 1, each failure named. */
export function validateSubmission(
  endpoint: SimEndpoint,
  body: unknown,
): { ok: true; submission: ValidSubmission } | { ok: false; message: string } {
  const fail = (message: string) => ({ ok: false as const, message });
  if (!isRecord(body)) return fail("The request body must be a JSON object.");
  const { patient_id, reference_id, partner_lab_id, data, file_base64 } = body;
  if (typeof patient_id !== "string" || patient_id.trim() === "") {
    return fail("patient_id is required and must be a non-empty string.");
  }
  if (reference_id !== undefined && typeof reference_id !== "string") return fail("reference_id must be a string.");
  if (partner_lab_id !== undefined && typeof partner_lab_id !== "string")
    return fail("partner_lab_id must be a string.");
  if (data !== undefined && typeof data !== "string") return fail("data must be a string.");

  let file: ValidSubmission["file"] = null;
  if (file_base64 !== undefined) {
    if (!isRecord(file_base64)) return fail("file_base64 must be an object with mime_type, content and file_name.");
    if (file_base64.mime_type !== "application/pdf") return fail('file_base64.mime_type must be "application/pdf".');
    const { content, file_name } = file_base64;
    if (typeof content !== "string" || content === "")
      return fail("file_base64.content must be a non-empty base64 string.");
    const bytes = decodeStrictBase64(content);
    if (!bytes) return fail("file_base64.content is not valid base64.");
    if (!bytes.subarray(0, 5).equals(Buffer.from("%PDF-"))) {
      return fail("file_base64.content is not a PDF (it does not start with %PDF-).");
    }
    if (typeof file_name !== "string" || file_name.trim() === "") {
      return fail("file_base64.file_name must be a non-empty string.");
    }
    file = { name: file_name, size: bytes.length, sha256: sha256Hex(bytes) };
  }

  const hasData = typeof data === "string" && data.trim() !== "";
  if (endpoint === "/lab-results/not-interpret" && !file) {
    return fail("file_base64 is required for /lab-results/not-interpret.");
  }
  if (!hasData && !file) return fail("At least one of data or file_base64 must be provided.");

  return {
    ok: true,
    submission: {
      patientId: patient_id,
      referenceId: typeof reference_id === "string" ? reference_id : null,
      partnerLabId: typeof partner_lab_id === "string" ? partner_lab_id : null,
      data: typeof data === "string" ? data : null,
      file,
    },
  };
}

/** Whether the three credential headers match, all three compared whatever the first says. */
export function authorized(req: http.IncomingMessage, expected: { apiKey: string; teamId: string; authKey: string }) {
  const results = [
    sameSecret(req.headers["x-api-key"], expected.apiKey),
    sameSecret(req.headers["x-team-id"], expected.teamId),
    sameSecret(req.headers["x-auth-key"], expected.authKey),
  ];
  return results.every(Boolean);
}
