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
 * The statuses after which a lab result does not change unless a person acts (retries,
 * or a report arrives for an accepted one): what the browser treats as settled.
 */
export const finalLabResultStatuses = [
  "accepted",
  "rejected",
  "failed",
  "cancelled",
  "report_ready",
] as const satisfies readonly LabResultStatus[];
export type FinalLabResultStatus = (typeof finalLabResultStatuses)[number];

export function isFinalLabResultStatus(status: LabResultStatus): status is FinalLabResultStatus {
  return (finalLabResultStatuses as readonly LabResultStatus[]).includes(status);
}
