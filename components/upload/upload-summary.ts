import { isFinalLabResultStatus, labResultStatuses, type LabResultStatus } from "@/lib/domain";
import { plural } from "./format";
import type { FileRow, LiveLabResult, RowPhase } from "./upload-model";

export type RowCounts = Record<RowPhase, number> & {
  /** Files of the batch: handed to the upload, whatever came of it (skipped ones excepted). */
  total: number;
  /** Sent files by their latest status at Docus. */
  docus: Record<LabResultStatus, number>;
  /** Sent files whose status can still change. */
  docusPending: number;
  /** Stored files the wrong-patient guard holds: in `sent` (stored), but not gone to Docus. */
  held: number;
};

export function countRows(rows: FileRow[], live: ReadonlyMap<string, LiveLabResult>): RowCounts {
  const counts: RowCounts = {
    checking: 0,
    ready: 0,
    refused: 0,
    waiting: 0,
    uploading: 0,
    error: 0,
    duplicate: 0,
    skipped: 0,
    sent: 0,
    total: 0,
    docus: Object.fromEntries(labResultStatuses.map((s) => [s, 0])) as Record<LabResultStatus, number>,
    docusPending: 0,
    held: 0,
  };
  for (const { state } of rows) {
    counts[state.phase] += 1;
    if (state.phase === "sent") {
      const status = live.get(state.labResultId)?.status ?? state.status;
      counts.docus[status] += 1;
      if (status === "needs_confirmation") counts.held += 1;
      if (!isFinalLabResultStatus(status)) counts.docusPending += 1;
    }
  }
  counts.total = counts.waiting + counts.uploading + counts.sent + counts.error + counts.duplicate;
  return counts;
}

/** One or two sentences on where the batch stands, for the live region. */
export function summarizeRows(c: RowCounts, settled: boolean): string {
  const parts: string[] = [];
  if (c.total === 0) {
    if (c.checking) parts.push(`Checking ${plural(c.checking, "file")}…`);
    if (c.ready) parts.push(`${plural(c.ready, "file")} ready to send.`);
    if (c.refused) parts.push(`${plural(c.refused, "file")} refused.`);
    if (c.skipped) parts.push(`${plural(c.skipped, "file")} skipped.`);
    return parts.join(" ");
  }

  if (settled && c.docusPending === 0) parts.push("All done.");
  // A held file is stored but has not gone to Docus: it is not called sent.
  parts.push(`${c.sent - c.held} of ${c.total} sent.`);
  if (c.waiting + c.uploading) parts.push(`${c.waiting + c.uploading} still uploading.`);
  if (c.duplicate) {
    parts.push(`${plural(c.duplicate, "file was", "files were")} sent before: choose Send again or Skip.`);
  }
  if (c.error) parts.push(`${plural(c.error, "file")} could not be sent.`);
  if (c.skipped) parts.push(`${c.skipped} skipped.`);

  const atDocus: string[] = [];
  const accepted = c.docus.accepted + c.docus.report_ready;
  const onTheWay = c.docus.queued + c.docus.sending;
  const notAccepted = c.docus.rejected + c.docus.failed;
  if (accepted) atDocus.push(`${accepted} accepted`);
  if (onTheWay) atDocus.push(`${onTheWay} on the way`);
  if (c.docus.retrying) atDocus.push(`${c.docus.retrying} retrying`);
  if (notAccepted) atDocus.push(`${notAccepted} rejected or failed`);
  if (c.docus.cancelled) atDocus.push(`${c.docus.cancelled} cancelled`);
  if (atDocus.length > 0) parts.push(`At Docus: ${atDocus.join(", ")}.`);
  if (c.docus.needs_confirmation) {
    parts.push(
      `${plural(c.docus.needs_confirmation, "file is", "files are")} held by the wrong-patient guard, not sent: open Details to confirm or remove.`,
    );
  }

  if (c.ready) parts.push(`${plural(c.ready, "more file")} ready to send.`);
  if (c.checking) parts.push(`Checking ${plural(c.checking, "file")}…`);
  return parts.join(" ");
}

/** What the form says after files were chosen: how many were added, which were already listed. */
export function addedNotice(added: number, repeated: string[]): string {
  return [
    added > 0 ? `${added === 1 ? "1 file" : `${added} files`} added.` : "",
    repeated.length > 0 ? `Already in the list: ${repeated.join(", ")}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
}
