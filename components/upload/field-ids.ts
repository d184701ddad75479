import { detailFieldOrder, type DetailField } from "./upload-validation";

/** The id of the control that shows each field, to focus the first one with a problem. */
export const fieldIds: Record<DetailField | "files", string> = {
  patientRef: "upload-patient-search",
  patientId: "upload-patient-id",
  givenName: "upload-given-name",
  familyName: "upload-family-name",
  birthDate: "upload-birth-date",
  sex: "upload-sex",
  accessionNumber: "upload-accession-number",
  mode: "upload-mode-interpret",
  notes: "upload-notes",
  files: "upload-choose-files",
};

export const patientChangeButtonId = "upload-patient-change";

/** The order in which the fields are shown: the first one with a problem gets the focus. */
export const errorFocusOrder: Array<DetailField | "files"> = [...detailFieldOrder, "files"];
