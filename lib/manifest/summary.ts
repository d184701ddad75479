import { csvLine } from "@/lib/csv";
import { columnSpecs, manifestColumns } from "./columns";
import type { RawManifestRow } from "./parse";

/** The lab result status of a file stored but held by the wrong-patient guard: not sent until a person confirms it. */
export const HELD_STATUS = "needs_confirmation";

/**
 * What became of one manifest row. "held": stored, but the wrong-patient guard held it, so
 * it has NOT gone to Docus; once a person confirms it, its status moves on and it is "sent".
 */
export type RowOutcome =
  | { outcome: "sent"; labResultId: string; status: string }
  | { outcome: "held"; labResultId: string; status: string; reason: string }
  | { outcome: "refused"; reason: string }
  | { outcome: "dropped"; reason: string }
  | { outcome: "not sent"; reason: string };

/** A stored row's outcome from its latest status: held while the guard holds it, else sent. */
export function storedOutcome(labResultId: string, status: string, heldReason: string | undefined): RowOutcome {
  if (status === HELD_STATUS)
    return {
      outcome: "held",
      labResultId,
      status,
      reason:
        heldReason ??
        "The wrong-patient guard held this file: it is stored but not sent. Open it to confirm or remove it.",
    };
  return { outcome: "sent", labResultId, status };
}

export type SummaryCounts = { sent: number; held: number; refused: number; dropped: number; notSent: number };

export function countOutcomes(outcomes: Iterable<RowOutcome | undefined>): SummaryCounts {
  const counts: SummaryCounts = { sent: 0, held: 0, refused: 0, dropped: 0, notSent: 0 };
  for (const o of outcomes) {
    if (o?.outcome === "sent") counts.sent++;
    else if (o?.outcome === "held") counts.held++;
    else if (o?.outcome === "refused") counts.refused++;
    else if (o?.outcome === "dropped") counts.dropped++;
    else counts.notSent++;
  }
  return counts;
}

/**
 * The batch's summary as CSV: every row of the manifest (dropped and refused ones too),
 * its values as the manifest gave them, what became of it (sent, held, refused, dropped,
 * not sent), the lab result's latest status and why a row was not sent. A row with no outcome was never sent.
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
        o.outcome === "sent" || o.outcome === "held" ? o.status : "",
        o.outcome === "sent" || o.outcome === "held" ? o.labResultId : "",
        o.outcome === "sent" ? "" : o.reason,
      ]),
    );
  }
  return lines.join("");
}
