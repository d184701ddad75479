import type { LabResultDetailField, LabResultStatus } from "@/lib/domain";

export { labResultDetailFields, type LabResultDetailField } from "@/lib/domain";

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
