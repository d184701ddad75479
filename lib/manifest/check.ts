import type { LabResultMode } from "@/lib/domain";
import { describePerson, differingField, type PersonDetails } from "./demographics";
import type { ParsedManifest, RawManifestRow } from "./parse";
import type { FileProblem } from "./pdf-bytes";
import { sortProblems, type ManifestProblem } from "./problems";
import { baseName, checkRow, type ManifestRow } from "./rows";

/** A dropped file as the check sees it: its name, size, SHA-256 and the byte check's verdict. */
export type ManifestFile = { name: string; size: number; sha256?: string; problem?: FileProblem | null };

/** What the lab already holds (the server looks it up): patients by id, and earlier uploads. */
export type ExistingPatient = PersonDetails & { patientId: string };
export type EarlierUpload = { accessionNumber: string; fileName: string; sha256: string; createdAt: string };
export type ManifestFacts = { existingPatients: ExistingPatient[]; earlierUploads: EarlierUpload[] };

export type ManifestCheckOptions = { defaultMode: LabResultMode; facts?: ManifestFacts };

export type ManifestCheck = {
  /** Every row of the manifest, as read. */
  rows: RawManifestRow[];
  /** The rows with no problem, normalised: what can be sent. */
  ready: ManifestRow[];
  problems: ManifestProblem[];
  /** The lines that have at least one problem (what "drop the rows in error" drops). */
  linesWithProblems: number[];
  /** Distinct patient ids among the ready rows. */
  patientCount: number;
};

const fileKey = (name: string) => baseName(name).toLowerCase();

/** "2026-11-28 09:14 UTC": the same for everyone who reads the list. */
function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Checks a whole manifest and the dropped files together and returns EVERY problem: the
 * manifest's own, each row's values, files named but not dropped and dropped but not
 * named, the byte checks of each file, rows that disagree about one patient or name one
 * file twice, and, with the lab's facts (on the server), patients that exist with other
 * details and files already uploaded for their accession. Pure: the browser and the
 * server run the same function.
 */
export function checkManifest(
  parsed: ParsedManifest,
  files: ManifestFile[],
  { defaultMode, facts }: ManifestCheckOptions,
): ManifestCheck {
  const problems: ManifestProblem[] = [...parsed.problems];
  const rows: ManifestRow[] = [];
  // A column the manifest lacks is one problem, not one per row.
  const missing = new Set(parsed.problems.flatMap((p) => (p.code === "column_missing" && p.column ? [p.column] : [])));
  for (const raw of parsed.rows) {
    const checked = checkRow(raw, defaultMode);
    problems.push(
      ...checked.problems.filter((p) => !(p.code === "value_missing" && p.column && missing.has(p.column))),
    );
    if (checked.row) rows.push(checked.row);
  }

  // Files: named and dropped, each once.
  const filesByKey = new Map(files.map((f) => [fileKey(f.name), f]));
  const namedBy = new Map<string, number>();
  const rowFile = new Map<number, ManifestFile>();
  for (const raw of parsed.rows) {
    const named = raw.values.fileName?.trim();
    if (!named) continue;
    const key = fileKey(named);
    const first = namedBy.get(key);
    if (first !== undefined) {
      problems.push({
        code: "file_named_twice",
        line: raw.line,
        column: "fileName",
        fileName: baseName(named),
        message: `${baseName(named)} is also named in row ${first}. Each file goes with one row.`,
      });
      continue;
    }
    namedBy.set(key, raw.line);
    const file = filesByKey.get(key);
    if (!file) {
      problems.push({
        code: "file_missing",
        line: raw.line,
        column: "fileName",
        fileName: baseName(named),
        message: `${baseName(named)} is named in the manifest but is not among the dropped files. Add the file, or drop this row.`,
      });
      continue;
    }
    rowFile.set(raw.line, file);
    if (file.problem)
      problems.push({
        code: file.problem.code,
        line: raw.line,
        column: "fileName",
        fileName: file.name,
        message: file.problem.message,
      });
  }
  for (const file of files) {
    if (!namedBy.has(fileKey(file.name)))
      problems.push({
        code: "file_unlisted",
        line: null,
        column: null,
        fileName: file.name,
        message: `${file.name} was dropped, but no row of the manifest names it. Add a row for it, or remove the file.`,
      });
  }

  // The same content twice for one accession, in this batch or earlier.
  const contentSeen = new Map<string, ManifestRow>();
  for (const row of rows) {
    const sha = rowFile.get(row.line)?.sha256;
    if (!sha) continue;
    const key = `${row.accessionNumber}\u0000${sha}`;
    const first = contentSeen.get(key);
    if (first && fileKey(first.fileName) !== fileKey(row.fileName))
      problems.push({
        code: "same_content_twice",
        line: row.line,
        column: "fileName",
        fileName: row.fileName,
        message: `${row.fileName} has the same content as ${first.fileName} in row ${first.line}, for the same accession ${row.accessionNumber}. Send it once: drop one of the two rows.`,
      });
    else if (!first) contentSeen.set(key, row);
  }
  for (const row of rows) {
    const sha = rowFile.get(row.line)?.sha256;
    const earlier = facts?.earlierUploads.find(
      (u) =>
        u.accessionNumber === row.accessionNumber &&
        ((sha !== undefined && u.sha256 === sha) || fileKey(u.fileName) === fileKey(row.fileName)),
    );
    if (!earlier) continue;
    const how = sha !== undefined && earlier.sha256 === sha ? "the same content" : `a file of the same name`;
    problems.push({
      code: "already_uploaded",
      line: row.line,
      column: "fileName",
      fileName: row.fileName,
      message: `${row.fileName} was already uploaded for accession ${row.accessionNumber} on ${when(earlier.createdAt)} (${how}). Drop this row; if it is a new result, give the file a new name.`,
    });
  }

  // One patient id, one person: the lab's version when it has one, else the first row's.
  const existing = new Map((facts?.existingPatients ?? []).map((p) => [p.patientId, p]));
  const firstRow = new Map<string, ManifestRow>();
  for (const row of rows) {
    const known = existing.get(row.patientId);
    if (known) {
      const field = differingField(known, row);
      if (field)
        problems.push({
          code: "patient_exists_differently",
          line: row.line,
          column: field,
          message: `Patient id ${row.patientId} already exists in this lab as ${describePerson(known)}; this row says ${describePerson(row)}. Correct the row to match, or correct the patient id.`,
        });
      continue;
    }
    const first = firstRow.get(row.patientId);
    if (!first) {
      firstRow.set(row.patientId, row);
      continue;
    }
    const field = differingField(first, row);
    if (field)
      problems.push({
        code: "patient_rows_disagree",
        line: row.line,
        column: field,
        message: `Row ${first.line} says patient ${row.patientId} is ${describePerson(first)}; this row says ${describePerson(row)}. Every row of one patient id must give the same details.`,
      });
  }

  const linesWithProblems = [...new Set(problems.flatMap((p) => (p.line === null ? [] : [p.line])))].sort(
    (a, b) => a - b,
  );
  const bad = new Set(linesWithProblems);
  // A problem of the manifest as a whole (a missing column…) holds back every row.
  const wholeManifest = problems.some((p) => p.line === null && p.fileName === undefined);
  const ready = wholeManifest ? [] : rows.filter((row) => !bad.has(row.line));
  return {
    rows: parsed.rows,
    ready,
    problems: sortProblems(problems),
    linesWithProblems,
    patientCount: new Set(ready.map((r) => r.patientId)).size,
  };
}
