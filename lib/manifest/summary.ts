import { csvLine } from "@/lib/csv";
import { columnSpecs, manifestColumns } from "./columns";
import type { RawManifestRow } from "./parse";

/** What became of one manifest row. */
export type RowOutcome =
  | { outcome: "sent"; labResultId: string; status: string }
  | { outcome: "refused"; reason: string }
  | { outcome: "dropped"; reason: string }
  | { outcome: "not sent"; reason: string };

export type SummaryCounts = { sent: number; refused: number; dropped: number; notSent: number };

export function countOutcomes(outcomes: Iterable<RowOutcome | undefined>): SummaryCounts {
  const counts: SummaryCounts = { sent: 0, refused: 0, dropped: 0, notSent: 0 };
  for (const o of outcomes) {
    if (o?.outcome === "sent") counts.sent++;
    else if (o?.outcome === "refused") counts.refused++;
    else if (o?.outcome === "dropped") counts.dropped++;
    else counts.notSent++;
  }
  return counts;
}

/**
 * The batch's summary as CSV: every row of the manifest (dropped and refused ones too),
 * its values as the manifest gave them, what became of it, the lab result's latest status
 * and why a row was not sent. A row with no outcome was never sent.
 */
export function manifestSummaryCsv(rows: RawManifestRow[], outcomes: ReadonlyMap<number, RowOutcome>): string {
  const header = [
    "row",
    ...manifestColumns.map((c) => columnSpecs[c].header),
    "outcome",
    "lab_result_status",
    "lab_result_id",
    "reason",
  ];
  const lines = [csvLine(header)];
  for (const row of rows) {
    const o = outcomes.get(row.line) ?? { outcome: "not sent", reason: "Not sent." };
    lines.push(
      csvLine([
        row.line,
        ...manifestColumns.map((c) => row.values[c] ?? ""),
        o.outcome,
        o.outcome === "sent" ? o.status : "",
        o.outcome === "sent" ? o.labResultId : "",
        o.outcome === "sent" ? "" : o.reason,
      ]),
    );
  }
  return lines.join("");
}
