import pLimit from "p-limit";
import type { ManifestFileResult, ManifestRow } from "@/lib/manifest";

/** Two uploads at a time, like the single form: enough to keep the line busy. */
const MAX_IN_FLIGHT = 2;

export type SendFile = (formData: FormData) => Promise<ManifestFileResult>;

/** A batch's rows grouped by patient id, in the manifest's order. */
export function groupByPatient(rows: ManifestRow[]): Array<{ patientId: string; rows: ManifestRow[] }> {
  const groups = new Map<string, ManifestRow[]>();
  for (const row of rows) {
    const list = groups.get(row.patientId) ?? [];
    list.push(row);
    groups.set(row.patientId, list);
  }
  return [...groups].map(([patientId, list]) => ({ patientId, rows: list }));
}

function formDataFor(row: ManifestRow, file: File, patientRef: string | undefined): FormData {
  const formData = new FormData();
  formData.append("row", JSON.stringify(row));
  if (patientRef) formData.append("patientRef", patientRef);
  formData.append("file", file, file.name);
  return formData;
}

/**
 * Sends a checked batch: per patient, the first file alone (the server resolves the
 * patient: the existing one, or a new one), then the patient's other files with the
 * patient it resolved to, so that a patient is resolved once. Never throws: a failed call
 * is that row's error.
 */
export async function sendBatch(
  rows: ManifestRow[],
  fileFor: (row: ManifestRow) => File | undefined,
  send: SendFile,
  onRow: (line: number, update: { phase: "uploading" } | { phase: "done"; result: ManifestFileResult }) => void,
): Promise<void> {
  const limit = pLimit(MAX_IN_FLIGHT);
  const one = (row: ManifestRow, patientRef?: string) =>
    limit(async (): Promise<ManifestFileResult> => {
      const file = fileFor(row);
      let result: ManifestFileResult;
      if (!file) result = { status: "refused", message: `${row.fileName} is no longer among the chosen files.` };
      else {
        onRow(row.line, { phase: "uploading" });
        try {
          result = await send(formDataFor(row, file, patientRef));
        } catch {
          result = {
            status: "error",
            message: "The upload failed: the connection was lost or the file was too large. Nothing was sent to Docus.",
          };
        }
      }
      onRow(row.line, { phase: "done", result });
      return result;
    });
  await Promise.all(
    groupByPatient(rows).map(async (group) => {
      const [first, ...rest] = group.rows;
      const head = await one(first!);
      const ref = head.status === "success" ? head.patientRef : undefined;
      await Promise.all(rest.map((row) => one(row, ref)));
    }),
  );
}
