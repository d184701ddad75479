import { readBodyCapped } from "@/lib/bytes";
import { getEnv } from "@/lib/env";
import type { SubmissionBody, SubmissionEndpoint } from "./contract";
import { classifyNetworkError, classifyResponse, type SubmissionOutcome } from "./classify";

/**
 * The portal's side of "Submit lab results" (docs/docus-contract.md, section 1). This is the only
 * module that knows Docus's request field names; callers speak LabResultSubmission.
 */

export type DocusCredentials = { apiUrl: string; apiKey: string; teamId: string; authKey: string };

export type SubmissionMode = "interpret" | "store_only";

export type LabResultSubmission = {
  mode: SubmissionMode;
  patientId: string;
  referenceId: string;
  partnerLabId?: string | null;
  notes?: string | null;
  /** Optional; sent only when filled in (docs/docus-contract.md, section 1). */
  patientEmail?: string | null;
  physicianEmail?: string | null;
  /** The file's bytes, or the same already in Base64 (used as they are). */
  file?: ({ bytes: Uint8Array } | { base64: string }) & { fileName: string; mimeType: "application/pdf" };
};

/** The JSON body Docus expects (its schema is in ./contract.ts, shared with the simulator). */
export type DocusSubmissionBody = SubmissionBody;

export type SubmitOptions = {
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
};

export type { SubmissionOutcome } from "./classify";

/** Docus's answers are short JSON; more than this is not worth reading. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export function submissionPath(mode: SubmissionMode): SubmissionEndpoint {
  return mode === "interpret" ? "/lab-results" : "/lab-results/not-interpret";
}

export function buildSubmissionBody(s: LabResultSubmission): DocusSubmissionBody {
  const body: DocusSubmissionBody = { patient_id: s.patientId, reference_id: s.referenceId };
  if (s.partnerLabId !== undefined && s.partnerLabId !== null) body.partner_lab_id = s.partnerLabId;
  if (s.notes !== undefined && s.notes !== null && s.notes !== "") body.data = s.notes;
  if (s.patientEmail) body.patient_email = s.patientEmail;
  if (s.physicianEmail) body.physician_email = s.physicianEmail;
  if (s.file) {
    body.file_base64 = {
      mime_type: s.file.mimeType,
      content:
        "base64" in s.file
          ? s.file.base64
          : Buffer.from(s.file.bytes.buffer, s.file.bytes.byteOffset, s.file.bytes.byteLength).toString("base64"),
      file_name: s.file.fileName,
    };
  }
  return body;
}

export function submissionUrl(apiUrl: string, mode: SubmissionMode): string {
  return `${apiUrl.replace(/\/+$/, "")}${submissionPath(mode)}`;
}

/**
 * Sends one lab result to Docus and classifies the answer. Never throws for HTTP or
 * network failures: every outcome, including a timeout, comes back as a
 * SubmissionOutcome whose message is safe to store and show.
 */
export async function submitLabResult(
  creds: DocusCredentials,
  submission: LabResultSubmission,
  { timeoutMs = 30_000, fetchImpl = fetch, signal }: SubmitOptions = {},
): Promise<SubmissionOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;

  let response: Response;
  try {
    response = await fetchImpl(submissionUrl(creds.apiUrl, submission.mode), {
      method: "POST",
      headers: {
        "x-api-key": creds.apiKey,
        "x-team-id": creds.teamId,
        "x-auth-key": creds.authKey,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify(buildSubmissionBody(submission)),
      // A followed redirect would carry the credential headers to wherever it points.
      redirect: "manual",
      signal: combined,
    });
  } catch (error) {
    // The caller's own abort reason can be anything, so it is not classified by its shape.
    const reason = timeout.aborted
      ? timeout.reason
      : signal?.aborted
        ? new DOMException("Aborted", "AbortError")
        : error;
    return redact(classifyNetworkError(reason), creds);
  }

  const body = await readBody(response);
  return redact(classifyResponse(response.status, body, response.headers), creds);
}

/** The submission credentials, or null when any of them is not configured. */
export function docusCredentialsFromEnv(): DocusCredentials | null {
  const env = getEnv();
  if (!env.DOCUS_API_URL || !env.DOCUS_API_KEY || !env.DOCUS_TEAM_ID || !env.DOCUS_AUTH_KEY) return null;
  return {
    apiUrl: env.DOCUS_API_URL,
    apiKey: env.DOCUS_API_KEY,
    teamId: env.DOCUS_TEAM_ID,
    authKey: env.DOCUS_AUTH_KEY,
  };
}

/**
 * Reads at most MAX_RESPONSE_BYTES of the answer, as JSON when it parses and as text
 * otherwise. A body that fails to arrive is treated as empty: the status alone decides.
 */
async function readBody(response: Response): Promise<unknown> {
  if (!response.body) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await readBodyCapped(response.body, null, MAX_RESPONSE_BYTES, { overflow: "truncate" });
  } catch {
    return undefined;
  }
  const text = new TextDecoder().decode(bytes);
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Docus's own messages are quoted in outcomes; should one ever echo a credential back,
 * it is removed here. Values shorter than 4 characters cannot be told apart from
 * ordinary text (such as a status code) and are left alone.
 */
function redact(outcome: SubmissionOutcome, creds: DocusCredentials): SubmissionOutcome {
  let message = outcome.message;
  for (const secret of [creds.apiKey, creds.teamId, creds.authKey]) {
    if (secret.length >= 4) message = message.split(secret).join("[redacted]");
  }
  return message === outcome.message ? outcome : { ...outcome, message };
}
