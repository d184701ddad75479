import type { LabResultStatus } from "@/lib/domain";

export type UploadField =
  | "patientRef"
  | "patientId"
  | "givenName"
  | "familyName"
  | "birthDate"
  | "sex"
  | "accessionNumber"
  | "mode"
  | "notes"
  | "file";

/** What the upload server action answers for one file. */
export type UploadResult =
  | { status: "success"; labResultId: string; labResultStatus: LabResultStatus; message?: string }
  | { status: "duplicate"; message: string; duplicateOf: { labResultId: string; submittedAt: string; status: LabResultStatus } }
  | { status: "invalid"; message?: string; fieldErrors?: Partial<Record<UploadField, string[]>> }
  | { status: "error"; message: string };
