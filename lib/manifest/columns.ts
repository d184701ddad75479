import { csvLine } from "@/lib/csv";
import { labResultDetailFields } from "@/lib/domain";

/**
 * The manifest's columns: the name each has in the template, the other header names a
 * spreadsheet may use for it, and whether a manifest must have it. Headers are compared
 * without case, accents, spaces or punctuation ("Date of birth" = "date_of_birth" = "DOB").
 */

export const manifestColumns = [
  "fileName",
  ...labResultDetailFields,
  "patientEmail",
  "physicianEmail",
  "flag",
] as const;
export type ManifestColumn = (typeof manifestColumns)[number];

type ColumnSpec = { header: string; label: string; required: boolean; aliases: string[] };

export const columnSpecs: Record<ManifestColumn, ColumnSpec> = {
  fileName: {
    header: "file_name",
    label: "file name",
    required: true,
    aliases: ["file", "filename", "pdf", "pdf file", "document", "file name"],
  },
  patientId: {
    header: "patient_id",
    label: "patient id",
    required: true,
    aliases: ["patient", "patient number", "patient no", "mrn", "pid"],
  },
  givenName: {
    header: "given_name",
    label: "given name",
    required: true,
    aliases: ["first name", "forename", "given"],
  },
  familyName: {
    header: "family_name",
    label: "family name",
    required: true,
    aliases: ["last name", "surname", "family", "lastname"],
  },
  birthDate: {
    header: "birth_date",
    label: "birth date",
    required: true,
    aliases: ["date of birth", "dob", "birthdate", "born", "birthday"],
  },
  sex: { header: "sex", label: "sex", required: true, aliases: ["gender"] },
  accessionNumber: {
    header: "accession_number",
    label: "accession number",
    required: true,
    aliases: ["accession", "accession no", "reference id", "reference", "order number", "order", "visit id"],
  },
  mode: { header: "mode", label: "mode", required: false, aliases: ["send mode", "send as"] },
  notes: { header: "notes", label: "notes", required: false, aliases: ["note", "comments", "comment", "data"] },
  patientEmail: {
    header: "patient_email",
    label: "patient e-mail",
    required: false,
    aliases: ["patient e-mail", "patient mail"],
  },
  physicianEmail: {
    header: "physician_email",
    label: "physician e-mail",
    required: false,
    aliases: ["physician e-mail", "doctor email", "doctor e-mail", "physician mail"],
  },
  flag: {
    header: "flag",
    label: "flag",
    required: false,
    aliases: ["lab flag", "result flag", "abnormal flag", "abnormality", "interpretation flag"],
  },
};

/** A header as compared: lower case, no accents, letters and digits only. */
export function headerKey(header: string): string {
  return header
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

const byKey = new Map<string, ManifestColumn>();
for (const column of manifestColumns) {
  const spec = columnSpecs[column];
  for (const name of [spec.header, spec.label, column, ...spec.aliases]) byKey.set(headerKey(name), column);
}

/** The column a header names, or undefined for a column the manifest does not use. */
export function columnForHeader(header: string): ManifestColumn | undefined {
  return byKey.get(headerKey(header));
}

/** The downloadable template: the header row and two example rows (two files of one patient and accession). */
export function manifestTemplateCsv(): string {
  const adaLovelace = (
    fileName: string,
    mode: string,
    notes: string,
    patientEmail: string,
    physicianEmail: string,
    flag: string,
  ) =>
    csvLine([
      fileName,
      "P-0001",
      "Ada",
      "Lovelace",
      "1980-12-10",
      "female",
      "ACC-2026-0001",
      mode,
      notes,
      patientEmail,
      physicianEmail,
      flag,
    ]);
  return [
    csvLine(manifestColumns.map((c) => columnSpecs[c].header)),
    adaLovelace("cbc-0001.pdf", "interpret", "Fasting sample", "", "", "abnormal"),
    adaLovelace("lipids-0001.pdf", "store only", "", "ada@example.org", "dr.byron@example.org", ""),
  ].join("");
}
