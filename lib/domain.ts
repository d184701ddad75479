/**
 * The domain's fixed vocabularies. Plain constants with no database code, so that the
 * browser can use them; the schema builds its PostgreSQL enums from the same lists.
 */

export const userRoles = ["operator", "admin", "technician", "doctor"] as const;
export type UserRole = (typeof userRoles)[number];

/** The roles a person has in one lab (a membership's role). "operator" is a platform role on the account. */
export const labRoles = ["admin", "technician", "doctor"] as const;
export type LabRole = (typeof labRoles)[number];

export const patientSexes = ["female", "male", "other", "unknown"] as const;
export type PatientSex = (typeof patientSexes)[number];

export const labResultModes = ["interpret", "store_only"] as const;
export type LabResultMode = (typeof labResultModes)[number];

/**
 * queued -> sending -> accepted (-> report_ready), with retrying between attempts;
 * rejected and failed are final until a person retries; cancelled is final.
 * needs_confirmation: the wrong-patient guard held it before any send; a person confirms
 * it (-> queued) or removes it (-> cancelled).
 */
export const labResultStatuses = [
  "needs_confirmation",
  "queued",
  "sending",
  "retrying",
  "accepted",
  "rejected",
  "failed",
  "cancelled",
  "report_ready",
] as const;
export type LabResultStatus = (typeof labResultStatuses)[number];

/**
 * An interpretation report as it arrives, in the portal's words: authenticated and
 * parsed, not yet stored. The Docus module produces it and the database stores it; no
 * Docus field name reaches either side of this type.
 */
export type IncomingReport = {
  patientId: string;
  referenceId: string | null;
  partnerLabId: string | null;
  fileName: string;
  pdf: Uint8Array;
  /**
   * The same PDF in strict Base64 as it was delivered (exactly the encoding of `pdf`), when
   * the caller has it: the database decodes it on insert, so that no hex copy of the bytes
   * (twice their size) is made to send them.
   */
  pdfBase64?: string;
  sha256: string;
  /** The delivery's fields that the portal does not know, kept as they came. */
  metadata: Record<string, unknown>;
};

/** Still to be sent: waiting for the first or the next attempt, or being sent. */
/**
 * What an attempt to send says when its process stopped before Docus answered (found and
 * closed by the instance that took the send over when the lease lapsed).
 */
export const ABANDONED_ATTEMPT_MESSAGE = "Abandoned: the instance stopped before Docus answered.";

export const sendPendingStatuses: readonly LabResultStatus[] = ["queued", "sending", "retrying"];

/**
 * Final: nothing changes without a person acting, except that an accepted lab result
 * becomes report_ready when Docus delivers its report. The one list of final statuses.
 */
export const finalLabResultStatuses = [
  "accepted",
  "rejected",
  "failed",
  "cancelled",
  "report_ready",
] as const satisfies readonly LabResultStatus[];
export type FinalLabResultStatus = (typeof finalLabResultStatuses)[number];

/** Whether a lab result's status is final (see finalLabResultStatuses); polling can stop or slow down. */
export function isFinalLabResultStatus(status: LabResultStatus): status is FinalLabResultStatus {
  return (finalLabResultStatuses as readonly LabResultStatus[]).includes(status);
}

/**
 * The wrong-patient guard's verdict on an uploaded PDF: its text names the patient id or
 * the accession number (matched), has text but names neither (needs_confirmation), has no
 * text to read (not_checked: a scan, never held), or the lab turned the guard off (off).
 */
export const guardOutcomes = ["matched", "needs_confirmation", "not_checked", "off"] as const;
export type GuardOutcome = (typeof guardOutcomes)[number];

/**
 * What a delivered report's text says about its patient: it names no other patient id
 * (ok), it names another patient id than the one it is attached to (other_patient), or its
 * text could not be read (not_checked).
 */
export const reportTextChecks = ["ok", "other_patient", "not_checked"] as const;
export type ReportTextCheck = (typeof reportTextChecks)[number];

/**
 * The lab's own flag on a lab result, set by its technician (never derived from Docus's
 * interpretation). Null: not flagged.
 */
export const labResultFlags = ["normal", "abnormal", "critical"] as const;
export type LabResultFlag = (typeof labResultFlags)[number];
/** The details of a lab result that a single upload and a manifest row both take, in the order they are shown. */
export const labResultDetailFields = [
  "patientId",
  "givenName",
  "familyName",
  "birthDate",
  "sex",
  "accessionNumber",
  "mode",
  "notes",
] as const;
export type LabResultDetailField = (typeof labResultDetailFields)[number];

/** What a change made for a person answers: done (with what it returns), or refused and why. */
export type Outcome<T = object> =
  ({ ok: true } & T) | { ok: false; reason: "not_found" | "forbidden" | "conflict" | "invalid"; message: string };
