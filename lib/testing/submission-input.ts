import type { SubmissionInput } from "@/db/queries/lab-result-submissions";
import { sha256Hex } from "@/lib/crypto";

/**
 * A test upload of `pdf` for a new patient Ada Lovelace with this patient id, as submission
 * number `sequence` (accession ACC-<sequence>, file result-<sequence>.pdf), with `overrides`.
 */
export function newPatientSubmission(
  who: { labId: string; userId: string; patientId: string; sequence: number },
  pdf: Uint8Array,
  overrides: Partial<SubmissionInput> = {},
): SubmissionInput {
  return {
    labId: who.labId,
    userId: who.userId,
    patient: {
      kind: "new",
      patientId: who.patientId,
      givenName: "Ada",
      familyName: "Lovelace",
      birthDate: "1980-12-10",
      sex: "female",
    },
    accessionNumber: `ACC-${who.sequence}`,
    mode: "interpret",
    file: { bytes: pdf, sha256: sha256Hex(pdf), fileName: `result-${who.sequence}.pdf` },
    ...overrides,
  };
}
