import { labResultDetailFields, type UploadField } from "@/lib/lab-results/upload-result";
import type { LabResultMode } from "@/lib/domain";
import {
  accessionNumberSchema,
  newPatientSchema,
  patientChoiceSchema,
  uploadFieldsSchema,
} from "@/lib/validations/lab-results";
import type { PatientSummary } from "./upload-model";

export type UploadMode = LabResultMode;
export type PatientMode = "existing" | "new";
export type NewPatientField = "patientId" | "givenName" | "familyName" | "birthDate" | "sex";
export type NewPatientDraft = Record<NewPatientField, string>;

export const emptyNewPatient: NewPatientDraft = {
  patientId: "",
  givenName: "",
  familyName: "",
  birthDate: "",
  sex: "",
};

/** Everything the technician enters once for all the files of a batch. */
export type UploadDetails = {
  patientMode: PatientMode;
  selectedPatient: PatientSummary | null;
  newPatient: NewPatientDraft;
  accessionNumber: string;
  mode: UploadMode;
  notes: string;
};

/** The fields entered once for a batch, in the order they are shown. */
export const detailFieldOrder = ["patientRef", ...labResultDetailFields] as const;
export type DetailField = (typeof detailFieldOrder)[number];
export type FormErrors = Partial<Record<DetailField | "files", string>>;

const detailFields: ReadonlySet<string> = new Set<DetailField>(detailFieldOrder);

export function isDetailField(name: string): name is DetailField {
  return detailFields.has(name);
}

/** The shared schemas, one per field that is checked when the person leaves it. */
const fieldSchemas = {
  patientId: newPatientSchema.shape.patientId,
  givenName: newPatientSchema.shape.givenName,
  familyName: newPatientSchema.shape.familyName,
  birthDate: newPatientSchema.shape.birthDate,
  sex: newPatientSchema.shape.sex,
  accessionNumber: accessionNumberSchema,
  notes: uploadFieldsSchema.shape.notes,
};

export type CheckedField = keyof typeof fieldSchemas;

/** The first problem with one field's value, or undefined when it is fine. */
export function validateField(field: CheckedField, value: string): string | undefined {
  const result = fieldSchemas[field].safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

export type UploadEntries = Array<[string, string]>;

export type DetailsCheck = { ok: true; entries: UploadEntries } | { ok: false; errors: FormErrors };

/** Checks the batch details with the same schemas as the server and, if they pass, the form fields to send. */
export function validateDetails(details: UploadDetails): DetailsCheck {
  const patient = patientChoiceSchema.safeParse(
    details.patientMode === "existing"
      ? { patientChoice: "existing", patientRef: details.selectedPatient?.id ?? "" }
      : { patientChoice: "new", ...details.newPatient },
  );
  const fields = uploadFieldsSchema.safeParse({
    accessionNumber: details.accessionNumber,
    mode: details.mode,
    notes: details.notes,
  });

  if (!patient.success || !fields.success) {
    const errors: FormErrors = {};
    for (const issue of [...(patient.error?.issues ?? []), ...(fields.error?.issues ?? [])]) {
      const name = issue.path[0];
      if (typeof name === "string" && isDetailField(name) && !errors[name]) errors[name] = issue.message;
    }
    return { ok: false, errors };
  }

  const entries: UploadEntries =
    patient.data.patientChoice === "existing"
      ? [
          ["patientChoice", "existing"],
          ["patientRef", patient.data.patientRef],
        ]
      : [
          ["patientChoice", "new"],
          ["patientId", patient.data.patientId],
          ["givenName", patient.data.givenName],
          ["familyName", patient.data.familyName],
          ["birthDate", patient.data.birthDate],
          ["sex", patient.data.sex],
        ];
  entries.push(
    ["accessionNumber", fields.data.accessionNumber],
    ["mode", fields.data.mode],
    ["notes", details.notes.trim()],
  );
  return { ok: true, entries };
}

/** The body of one upload: the batch details, one file and, after a duplicate warning, the confirmation. */
export function buildUploadFormData(entries: UploadEntries, file: File, confirmDuplicate: boolean): FormData {
  const formData = new FormData();
  for (const [name, value] of entries) formData.append(name, value);
  formData.append("file", file, file.name);
  if (confirmDuplicate) formData.append("confirmDuplicate", "1");
  return formData;
}

const fieldLabels: Record<UploadField, string> = {
  patientRef: "Patient",
  patientId: "Patient id",
  givenName: "Given name",
  familyName: "Family name",
  birthDate: "Birth date",
  sex: "Sex",
  accessionNumber: "Accession number",
  mode: "Mode",
  notes: "Notes",
  patientEmail: "Patient e-mail",
  physicianEmail: "Physician e-mail",
  file: "File",
};

/** The server's field errors as sentences for a file row, and those that belong to form fields. */
export function splitServerFieldErrors(fieldErrors: Partial<Record<UploadField, string[]>> | undefined): {
  lines: string[];
  formErrors: FormErrors;
} {
  const lines: string[] = [];
  const formErrors: FormErrors = {};
  if (!fieldErrors) return { lines, formErrors };
  const labels: Partial<Record<string, string>> = fieldLabels;
  for (const [name, messages] of Object.entries(fieldErrors)) {
    const first = messages?.[0];
    if (!first) continue;
    const label = labels[name];
    for (const message of messages) lines.push(label ? `${label}: ${message}` : message);
    if (isDetailField(name)) formErrors[name] = first;
  }
  return { lines, formErrors };
}
