import type { UploadResult } from "@/lib/lab-results/upload-result";
import type { PatientSummary, RowState } from "./upload-model";
import { splitServerFieldErrors, type FormErrors } from "./upload-validation";

export type RowOutcome = {
  state: RowState;
  /** Errors about the batch's details, to show on their fields. */
  formErrors: FormErrors;
  /** A "new" patient whose id the lab already has with other details: offered instead. */
  existingPatient?: PatientSummary;
};

/** What the server's answer for one file means for its row and for the form. */
export function rowOutcome(result: UploadResult): RowOutcome {
  switch (result.status) {
    case "success":
      return {
        state: {
          phase: "sent",
          labResultId: result.labResultId,
          status: result.labResultStatus,
          message: result.message,
        },
        formErrors: {},
      };
    case "duplicate":
      return {
        state: { phase: "duplicate", message: result.message, duplicateOf: result.duplicateOf },
        formErrors: {},
      };
    case "invalid": {
      const { lines, formErrors } = splitServerFieldErrors(result.fieldErrors);
      const aboutDetails = Object.keys(formErrors).length > 0;
      return {
        state: {
          phase: "error",
          message:
            result.message ??
            (aboutDetails
              ? "The portal did not accept these details. Fix the fields marked in red, then try again."
              : "The portal did not accept this file."),
          details: lines,
          // Sending the same file again cannot help when only the file was refused.
          retryable: aboutDetails || !result.fieldErrors?.file,
        },
        formErrors,
        existingPatient: result.existingPatient,
      };
    }
    case "error":
      return { state: { phase: "error", message: result.message, details: [], retryable: true }, formErrors: {} };
    default:
      return {
        state: {
          phase: "error",
          message: "The portal answered in an unexpected way. Try again.",
          details: [],
          retryable: true,
        },
        formErrors: {},
      };
  }
}
