import type { ManifestColumn } from "./columns";
import type { FileProblemCode } from "./pdf-bytes";

export type ManifestProblemCode =
  | "manifest_empty"
  | "manifest_unreadable"
  | "manifest_too_long"
  | "column_missing"
  | "column_twice"
  | "value_missing"
  | "bad_file_name"
  | "bad_patient_id"
  | "bad_name"
  | "bad_date"
  | "bad_sex"
  | "bad_accession"
  | "bad_mode"
  | "bad_notes"
  | "bad_email"
  | "bad_flag"
  | "file_missing"
  | "file_unlisted"
  | "file_named_twice"
  | "same_content_twice"
  | "patient_rows_disagree"
  | "patient_exists_differently"
  | "already_uploaded"
  | FileProblemCode;

/**
 * One problem, where a technician finds it: the spreadsheet line (the header is line 1;
 * null for a dropped file that no row names, or the manifest as a whole), the column, and
 * a sentence that says what is wrong and what to do.
 */
export type ManifestProblem = {
  code: ManifestProblemCode;
  line: number | null;
  column: ManifestColumn | null;
  /** The dropped file the problem is about, when there is one. */
  fileName?: string;
  message: string;
};

/** Problems in the order a person reads them: manifest-wide first, then by line, then dropped files. */
export function sortProblems(problems: ManifestProblem[]): ManifestProblem[] {
  const rank = (p: ManifestProblem) => (p.line === null ? (p.fileName ? Number.MAX_SAFE_INTEGER : -1) : p.line);
  return [...problems].sort((a, b) => rank(a) - rank(b));
}
