import { decodeStrictBase64 } from "../../lib/bytes.ts";
import { constantTimeEqual, sha256Hex } from "../../lib/crypto.ts";
import { submissionBodySchema, submissionRuleViolation } from "../../lib/docus/wire.ts";
import type http from "node:http";
import { isRecord } from "./http.ts";
import type { SimEndpoint, SimRequestRecord, ValidSubmission } from "./records.ts";

/** What the simulator checks of a submission, as Docus would (docs/docus-contract.md, section 1). */

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

/** The rules of docs/docus-contract.md, section 1 (the shared contract), each failure named. */
export function validateSubmission(
  endpoint: SimEndpoint,
  body: unknown,
): { ok: true; submission: ValidSubmission } | { ok: false; message: string } {
  const fail = (message: string) => ({ ok: false as const, message });
  const parsed = submissionBodySchema.safeParse(body);
  if (!parsed.success) return fail(parsed.error.issues[0]?.message ?? "The request body is invalid.");
  const violation = submissionRuleViolation(endpoint, parsed.data);
  if (violation) return fail(violation);
  const { patient_id, reference_id, partner_lab_id, data, file_base64 } = parsed.data;
  const bytes = file_base64 ? decodeStrictBase64(file_base64.content) : null;
  const file =
    file_base64 && bytes ? { name: file_base64.file_name, size: bytes.length, sha256: sha256Hex(bytes) } : null;

  return {
    ok: true,
    submission: {
      patientId: patient_id,
      referenceId: reference_id ?? null,
      partnerLabId: partner_lab_id ?? null,
      data: data ?? null,
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
