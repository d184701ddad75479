import "server-only";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import { ParseWorkerError, runParseTask } from "@/lib/parse-worker/pool";
import {
  MAX_MANIFEST_ROWS,
  XLSX_UNREADABLE,
  manifestFromTable,
  unreadableManifest,
  type ParsedManifest,
} from "./parse";
import { checkXlsxDirectory } from "./xlsx-directory";

/**
 * An XLSX manifest read on the server: its zip directory checked here (nothing inflated),
 * then its first sheet read in a worker thread with a heap limit, terminated after
 * XLSX_PARSE_TIMEOUT_MS. A sheet of far more rows than a manifest may have is not sent back.
 */
export async function parseManifestXlsxIsolated(bytes: Uint8Array): Promise<ParsedManifest> {
  const env = getEnv();
  const directory = checkXlsxDirectory(bytes, env.XLSX_MAX_INFLATED_MB * 1024 * 1024);
  if (!directory.ok) return unreadableManifest(directory.message);
  try {
    const sheet = await runParseTask(
      { kind: "xlsx_sheet", bytes, maxRows: MAX_MANIFEST_ROWS * 10 },
      env.XLSX_PARSE_TIMEOUT_MS,
    );
    if (sheet.kind === "unreadable") return unreadableManifest(XLSX_UNREADABLE);
    if (sheet.kind === "too_many_rows")
      return {
        rows: [],
        ignoredHeaders: [],
        problems: [
          {
            code: "manifest_too_long",
            line: null,
            column: null,
            message: `The manifest has ${sheet.rows} rows; at most ${MAX_MANIFEST_ROWS} are taken at once. Split it into smaller batches.`,
          },
        ],
      };
    return manifestFromTable(sheet.rows);
  } catch (error) {
    if (error instanceof ParseWorkerError && error.failure !== "failed")
      return unreadableManifest(
        error.failure === "timeout"
          ? "The manifest workbook could not be read in time. Save only the manifest's sheet, or save it as CSV."
          : "The manifest workbook is too large to read. Save only the manifest's sheet, or save it as CSV.",
      );
    console.error(`[manifest] reading a workbook failed in its worker: ${describeError(error)}`);
    return unreadableManifest(XLSX_UNREADABLE);
  }
}
