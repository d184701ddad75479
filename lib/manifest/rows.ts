import { sanitizeFileName } from "@/lib/pdf/file-name";
import { z } from "zod";
import {
  labResultFlags,
  labResultModes,
  patientSexes,
  type LabResultFlag,
  type LabResultMode,
  type PatientSex,
} from "@/lib/domain";
import {
  accessionNumberSchema,
  optionalEmailSchema,
  patientExternalIdSchema,
  uploadFieldsSchema,
} from "@/lib/validations/lab-results";
import { columnSpecs, type ManifestColumn } from "./columns";
import type { RawManifestRow } from "./parse";
import type { ManifestProblem } from "./problems";

/** A manifest row whose every value passed its check, normalised. */
export type ManifestRow = {
  line: number;
  fileName: string;
  patientId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: PatientSex;
  accessionNumber: string;
  mode: LabResultMode;
  notes?: string;
  patientEmail?: string;
  physicianEmail?: string;
  flag?: LabResultFlag;
};

/** The same row as the server receives it: one schema for the check and the send. */
export const manifestRowSchema = z.object({
  line: z.number().int().min(1).max(1_000_000),
  fileName: z.string().trim().min(1).max(255),
  patientId: patientExternalIdSchema,
  givenName: z.string().trim().min(1).max(100),
  familyName: z.string().trim().min(1).max(100),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  sex: z.enum(patientSexes),
  accessionNumber: accessionNumberSchema,
  mode: z.enum(labResultModes),
  notes: uploadFieldsSchema.shape.notes,
  patientEmail: optionalEmailSchema,
  physicianEmail: optionalEmailSchema,
  flag: z.enum(labResultFlags).optional(),
});

const sexAliases: Record<string, PatientSex> = {
  f: "female",
  female: "female",
  w: "female",
  woman: "female",
  m: "male",
  male: "male",
  man: "male",
  o: "other",
  other: "other",
  x: "other",
  u: "unknown",
  unknown: "unknown",
};

const modeAliases: Record<string, LabResultMode> = {
  interpret: "interpret",
  interpretation: "interpret",
  i: "interpret",
  storeonly: "store_only",
  store: "store_only",
  s: "store_only",
};

/** The lab's flag as spreadsheets write it (HL7 abnormal flags included); empty: not flagged. */
const flagAliases: Record<string, LabResultFlag> = {
  normal: "normal",
  n: "normal",
  abnormal: "abnormal",
  a: "abnormal",
  h: "abnormal",
  l: "abnormal",
  high: "abnormal",
  low: "abnormal",
  critical: "critical",
  c: "critical",
  aa: "critical",
  hh: "critical",
  ll: "critical",
  panic: "critical",
};

const compact = (value: string) => value.toLowerCase().replace(/[^a-z]/g, "");

/**
 * A manifest's or a dropped file's name as the portal keeps it: through the one file-name
 * sanitiser, like a single upload's (the last path segment, "scans/cbc.pdf" is cbc.pdf;
 * no control or invisible characters; at most 150 characters). Rows and files are matched
 * by it, so both sides are cleaned alike.
 */
export function baseName(name: string): string {
  return sanitizeFileName(name, "", { pdfExtension: false });
}

/** A real calendar date written as YYYY-MM-DD, between 1900 and today. */
export function dateProblem(value: string, today = new Date().toISOString().slice(0, 10)): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const example = "e.g. 1980-12-31";
  if (!match) return `“${value}” is not a date written as YYYY-MM-DD (${example}).`;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return `“${value}” is not a date in the calendar (check the month and the day).`;
  if (value < "1900-01-01" || value > today) return `“${value}” is not a birth date between 1900 and today.`;
  return null;
}

type Problem = Omit<ManifestProblem, "line">;

/** Checks one row's values: the row normalised, or its problems (every one, not only the first). */
export function checkRow(
  raw: RawManifestRow,
  defaultMode: LabResultMode,
): { row: ManifestRow | null; problems: ManifestProblem[] } {
  const problems: Problem[] = [];
  const value = (column: ManifestColumn) => raw.values[column]?.trim() ?? "";
  const fail = (code: ManifestProblem["code"], column: ManifestColumn, message: string) =>
    problems.push({ code, column, message });
  const required = (column: ManifestColumn): string | null => {
    const v = value(column);
    if (v) return v;
    fail("value_missing", column, `The ${columnSpecs[column].label} is empty.`);
    return null;
  };
  const viaSchema = (column: ManifestColumn, code: ManifestProblem["code"], schema: z.ZodType<unknown>) => {
    const v = required(column);
    if (v === null) return null;
    const parsed = schema.safeParse(v);
    if (parsed.success) return v;
    fail(code, column, `${parsed.error.issues[0]?.message ?? "Not valid."} This row says “${v}”.`);
    return null;
  };

  const fileNameRaw = required("fileName");
  const fileName = fileNameRaw === null ? null : baseName(fileNameRaw);
  if (fileName !== null && !/\.pdf$/i.test(fileName))
    fail(
      "bad_file_name",
      "fileName",
      `“${fileNameRaw}” does not end in .pdf; name the PDF file exactly as it is called.`,
    );
  const patientId = viaSchema("patientId", "bad_patient_id", patientExternalIdSchema);
  const givenName = viaSchema(
    "givenName",
    "bad_name",
    z.string().max(100, { error: "The given name is at most 100 characters." }),
  );
  const familyName = viaSchema(
    "familyName",
    "bad_name",
    z.string().max(100, { error: "The family name is at most 100 characters." }),
  );
  const accessionNumber = viaSchema("accessionNumber", "bad_accession", accessionNumberSchema);

  const birthDate = required("birthDate");
  const birthProblem = birthDate === null ? null : dateProblem(birthDate);
  if (birthProblem) fail("bad_date", "birthDate", `${birthProblem} Write the birth date as YYYY-MM-DD.`);

  const sexText = required("sex");
  const sex = sexText === null ? undefined : sexAliases[compact(sexText)];
  if (sexText !== null && !sex)
    fail("bad_sex", "sex", `“${sexText}” is not a sex the portal knows. Write female, male, other or unknown.`);

  const modeText = value("mode");
  const mode = modeText ? modeAliases[compact(modeText)] : defaultMode;
  if (!mode) fail("bad_mode", "mode", `“${modeText}” is not a mode. Write “interpret” or “store only”.`);

  const notes = value("notes");
  if (notes.length > 4000)
    fail("bad_notes", "notes", `The notes are ${notes.length} characters long; at most 4000 are sent.`);
  const emails: Partial<Record<"patientEmail" | "physicianEmail", string>> = {};
  for (const column of ["patientEmail", "physicianEmail"] as const) {
    const v = value(column);
    if (!v) continue;
    const parsed = optionalEmailSchema.safeParse(v);
    if (parsed.success) emails[column] = parsed.data;
    else
      fail(
        "bad_email",
        column,
        `“${v}” is not an e-mail address. Correct it, or leave the ${columnSpecs[column].label} empty.`,
      );
  }

  const flagText = value("flag");
  const flag = flagText ? flagAliases[compact(flagText)] : undefined;
  if (flagText && !flag)
    fail("bad_flag", "flag", `“${flagText}” is not a flag. Write normal, abnormal or critical, or leave it empty.`);

  const located = problems.map((p) => ({ ...p, line: raw.line }));
  if (located.length > 0) return { row: null, problems: located };
  return {
    row: {
      line: raw.line,
      fileName: fileName!,
      patientId: patientId!,
      givenName: givenName!,
      familyName: familyName!,
      birthDate: birthDate!,
      sex: sex!,
      accessionNumber: accessionNumber!,
      mode: mode!,
      ...(notes ? { notes } : {}),
      ...emails,
      ...(flag ? { flag } : {}),
    },
    problems: [],
  };
}
