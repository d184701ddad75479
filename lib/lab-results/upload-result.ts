import type { LabResultStatus } from "@/lib/domain";

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

export type UploadField = "patientRef" | LabResultDetailField | "patientEmail" | "physicianEmail" | "file";

/** What the upload server action answers for one file. */
export type UploadResult =
  | { status: "success"; labResultId: string; labResultStatus: LabResultStatus; message?: string }
  | {
      status: "duplicate";
      message: string;
      duplicateOf: { labResultId: string; submittedAt: string; status: LabResultStatus };
    }
  | {
      status: "invalid";
      message?: string;
      fieldErrors?: Partial<Record<UploadField, string[]>>;
      /** A "new" patient whose id the lab has with other details: that patient, to offer instead. */
      existingPatient?: {
        id: string;
        patientId: string;
        givenName: string;
        familyName: string;
        birthDate: string | null;
      };
    }
  | { status: "error"; message: string };
