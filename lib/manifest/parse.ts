import Papa from "papaparse";
import { columnForHeader, columnSpecs, manifestColumns, type ManifestColumn } from "./columns";
import type { ManifestProblem } from "./problems";
import { checkXlsxDirectory } from "./xlsx-directory";

/** One data row as read: its line in the spreadsheet (the header is line 1) and its cells by column. */
export type RawManifestRow = { line: number; values: Partial<Record<ManifestColumn, string>> };

export type ParsedManifest = {
  rows: RawManifestRow[];
  /** Problems with the manifest as a whole (no header, a required column missing…). */
  problems: ManifestProblem[];
  /** Headers that name no manifest column: ignored, and listed so that a typo is noticed. */
  ignoredHeaders: string[];
};

/** More rows than this are refused: split the batch. */
export const MAX_MANIFEST_ROWS = 1000;

export type Cell = string | number | boolean | Date | null | undefined;

/** A cell as text: dates (spreadsheet date cells) as YYYY-MM-DD, numbers without exponent. */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? "" : cell.toISOString().slice(0, 10);
  if (typeof cell === "number") return Number.isInteger(cell) ? cell.toFixed(0) : String(cell);
  return String(cell).trim();
}

/** Rows of cells (the first non-empty one is the header) as a manifest. */
export function manifestFromTable(table: Cell[][]): ParsedManifest {
  const problems: ManifestProblem[] = [];
  const filled = (row: Cell[]) => row.some((cell) => cellText(cell) !== "");
  const headerIndex = table.findIndex(filled);
  if (headerIndex === -1) {
    problems.push({ code: "manifest_empty", line: null, column: null, message: "The manifest is empty." });
    return { rows: [], problems, ignoredHeaders: [] };
  }
  const header = table[headerIndex]!.map(cellText);
  const columns: Array<ManifestColumn | undefined> = [];
  const seen = new Map<ManifestColumn, string>();
  const ignoredHeaders: string[] = [];
  for (const name of header) {
    const column = name ? columnForHeader(name) : undefined;
    if (column && seen.has(column)) {
      problems.push({
        code: "column_twice",
        line: null,
        column,
        message: `The columns “${seen.get(column)}” and “${name}” both mean ${columnSpecs[column].label}. Keep one of them.`,
      });
      columns.push(undefined);
      continue;
    }
    if (column) seen.set(column, name);
    else if (name) ignoredHeaders.push(name);
    columns.push(column);
  }
  for (const column of manifestColumns) {
    if (columnSpecs[column].required && !seen.has(column)) {
      problems.push({
        code: "column_missing",
        line: null,
        column,
        message: `The manifest has no ${columnSpecs[column].label} column. Add a column named “${columnSpecs[column].header}” (see the template).`,
      });
    }
  }

  const rows: RawManifestRow[] = [];
  for (let i = headerIndex + 1; i < table.length; i++) {
    const cells = table[i]!;
    if (!filled(cells)) continue;
    const values: RawManifestRow["values"] = {};
    cells.forEach((cell, c) => {
      const column = columns[c];
      if (column) values[column] = cellText(cell);
    });
    rows.push({ line: i + 1, values });
  }
  if (rows.length === 0) {
    problems.push({
      code: "manifest_empty",
      line: null,
      column: null,
      message: "The manifest has no rows below its header.",
    });
  } else if (rows.length > MAX_MANIFEST_ROWS) {
    problems.push({
      code: "manifest_too_long",
      line: null,
      column: null,
      message: `The manifest has ${rows.length} rows; at most ${MAX_MANIFEST_ROWS} are taken at once. Split it into smaller batches.`,
    });
  }
  return { rows, problems, ignoredHeaders };
}

/** A CSV manifest (comma, semicolon or tab separated: papaparse finds out). */
export function parseManifestCsv(text: string): ParsedManifest {
  // A spreadsheet's "CSV UTF-8" starts with a byte order mark.
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: false });
  const parsed = manifestFromTable(result.data);
  // Quotes that never close swallow the rest of the file: worth saying, with where.
  const quoteErrors = result.errors.filter((e) => e.type === "Quotes");
  for (const error of quoteErrors.slice(0, 1)) {
    parsed.problems.push({
      code: "manifest_unreadable",
      line: error.row === undefined ? null : error.row + 1,
      column: null,
      message: "A quotation mark in this row is never closed, so the rows after it cannot be read.",
    });
  }
  return parsed;
}

/** What an XLSX manifest's parts may inflate to in all, unless told otherwise (XLSX_MAX_INFLATED_MB on the server). */
export const DEFAULT_XLSX_MAX_INFLATED_BYTES = 32 * 1024 * 1024;

/** A manifest that is nothing but one problem with the file as a whole. */
export function unreadableManifest(message: string): ParsedManifest {
  return {
    rows: [],
    ignoredHeaders: [],
    problems: [{ code: "manifest_unreadable", line: null, column: null, message }],
  };
}

export const XLSX_UNREADABLE =
  "The manifest could not be read as an Excel workbook (.xlsx). Save it again as .xlsx or as CSV.";

/**
 * An XLSX manifest: its first sheet. Its zip directory is checked first (checkXlsxDirectory):
 * a workbook that unpacks to more than `maxInflatedBytes` is refused before anything is
 * inflated. On the server the sheet is read in a worker thread (parseManifestXlsxIsolated).
 */
export async function parseManifestXlsx(
  input: Blob | ArrayBuffer,
  maxInflatedBytes = DEFAULT_XLSX_MAX_INFLATED_BYTES,
): Promise<ParsedManifest> {
  const buffer = input instanceof ArrayBuffer ? input : await input.arrayBuffer();
  const directory = checkXlsxDirectory(new Uint8Array(buffer), maxInflatedBytes);
  if (!directory.ok) return unreadableManifest(directory.message);
  const { readSheet } = await import("read-excel-file/universal");
  try {
    const data = await readSheet(buffer);
    return manifestFromTable(data as Cell[][]);
  } catch {
    return unreadableManifest(XLSX_UNREADABLE);
  }
}

/** A manifest file by its name: .xlsx as a workbook, anything else as CSV text. */
export async function parseManifestFile(
  file: { name: string; text(): Promise<string> } & Blob,
): Promise<ParsedManifest> {
  if (/\.xlsx$/i.test(file.name)) return parseManifestXlsx(file);
  return parseManifestCsv(await file.text());
}
