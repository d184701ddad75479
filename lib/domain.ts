/**
 * The domain's fixed vocabularies. Plain constants with no database code, so that the
 * browser can use them; the schema builds its PostgreSQL enums from the same lists.
 */

export const userRoles = ["operator", "admin", "technician", "doctor"] as const;
export type UserRole = (typeof userRoles)[number];

export const patientSexes = ["female", "male", "other", "unknown"] as const;
export type PatientSex = (typeof patientSexes)[number];

export const labResultModes = ["interpret", "store_only"] as const;
export type LabResultMode = (typeof labResultModes)[number];

/**
 * queued -> sending -> accepted (-> report_ready), with retrying between attempts;
 * rejected and failed are final until a person retries; cancelled is final.
 */
export const labResultStatuses = [
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
  sha256: string;
  /** The delivery's fields that the portal does not know, kept as they came. */
  metadata: Record<string, unknown>;
};

/** Still to be sent: waiting for the first or the next attempt, or being sent. */
export const sendPendingStatuses: readonly LabResultStatus[] = ["queued", "sending", "retrying"];

/**
 * Final: nothing changes without a person acting, except that an accepted lab result
 * becomes report_ready when Docus delivers its report. The one list of final statuses.
 */
export const finalLabResultStatuses: readonly LabResultStatus[] = [
  "accepted",
  "rejected",
  "failed",
  "cancelled",
  "report_ready",
];

/** Whether a lab result's status is final (see finalLabResultStatuses); polling can stop or slow down. */
export function isFinalLabResultStatus(status: LabResultStatus): boolean {
  return finalLabResultStatuses.includes(status);
}
