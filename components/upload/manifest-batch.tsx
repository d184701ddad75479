"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  HELD_STATUS,
  countOutcomes,
  manifestSummaryCsv,
  storedOutcome,
  type ManifestRow,
  type RawManifestRow,
  type RowOutcome,
} from "@/lib/manifest";
import { plural } from "./format";
import type { RowProgress } from "./manifest-model";
import { groupByPatient } from "./manifest-send";
import { statusLabel } from "./manifest-status";
import { UploadProgress } from "./upload-progress";
import { useManifestStatuses } from "./use-manifest-statuses";
import { UploadCard } from "./upload-card";

export type ManifestBatchProps = {
  rows: RawManifestRow[];
  ready: ManifestRow[];
  dropped: ReadonlyMap<number, string>;
  progress: ReadonlyMap<number, RowProgress>;
  done: boolean;
};

function outcomeOf(line: number, props: ManifestBatchProps, live: ReadonlyMap<string, string>): RowOutcome {
  const dropped = props.dropped.get(line);
  if (dropped !== undefined) return { outcome: "dropped", reason: dropped };
  const p = props.progress.get(line);
  if (p?.phase !== "done") return { outcome: "not sent", reason: p ? "Still on its way." : "Not sent." };
  if (p.result.status === "success") {
    const id = p.result.labResultId;
    return storedOutcome(id, live.get(id) ?? p.result.labResultStatus, p.result.message);
  }
  return { outcome: "refused", reason: p.result.message };
}

function download(csv: string) {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `manifest-summary-${stamp}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The batch while and after it is sent: progress, the files by patient with their statuses, and the summary. */
export function ManifestBatch(props: ManifestBatchProps) {
  const { rows, ready, progress, done } = props;
  const sentIds = new Map<string, string>();
  const interpreted = new Set<string>();
  for (const row of ready) {
    const p = progress.get(row.line);
    if (p?.phase !== "done" || p.result.status !== "success") continue;
    sentIds.set(p.result.labResultId, p.result.labResultStatus);
    if (row.mode === "interpret") interpreted.add(p.result.labResultId);
  }
  const statuses = useManifestStatuses(sentIds, interpreted);
  const outcomes = new Map(rows.map((r) => [r.line, outcomeOf(r.line, props, statuses.byId)]));
  const counts = countOutcomes(outcomes.values());
  const handled = ready.filter((r) => progress.get(r.line)?.phase === "done").length;

  return (
    <div className="min-w-0 space-y-6">
      <UploadCard
        headingId="manifest-progress-heading"
        title={
          <>
            {done ? "Uploaded" : "Uploading"}: {plural(ready.length, "file")} for{" "}
            {plural(new Set(ready.map((r) => r.patientId)).size, "patient")}
          </>
        }
      >
        <UploadProgress done={handled} total={ready.length} />
        {statuses.stale ? (
          <p className="text-sm text-amber-900">The statuses could not be refreshed; trying again.</p>
        ) : null}
        <div className="space-y-4">
          {groupByPatient(ready).map((group) => {
            const first = group.rows[0]!;
            return (
              <section key={group.patientId} aria-label={`Patient ${group.patientId}`} className="min-w-0">
                <h3 className="break-words text-sm font-semibold text-slate-900">
                  {first.familyName}, {first.givenName} · {group.patientId}
                </h3>
                <ul aria-label={`Files of patient ${group.patientId}`} className="mt-2 divide-y divide-slate-100">
                  {group.rows.map((row) => (
                    <BatchRow key={row.line} row={row} progress={progress.get(row.line)} live={statuses.byId} />
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      </UploadCard>
      {done ? (
        <UploadCard headingId="manifest-summary-heading" title="Summary" spacing={3}>
          <p role="status" className="text-sm text-slate-800">
            {plural(rows.length, "row")}: {counts.sent} sent
            {counts.held > 0 ? `, ${counts.held} held (stored, not sent until confirmed)` : ""}, {counts.refused}{" "}
            refused, {counts.dropped} dropped
            {counts.notSent > 0 ? `, ${counts.notSent} not sent` : ""}.
          </p>
          <ul aria-label="Rows not sent" className="space-y-1 text-sm text-slate-800">
            {[...outcomes].flatMap(([line, o]) =>
              o.outcome === "sent"
                ? []
                : [
                    <li key={line} className="break-words">
                      Row {line} ({o.outcome}): {o.reason}
                    </li>,
                  ],
            )}
          </ul>
          <Button variant="secondary" onClick={() => download(manifestSummaryCsv(rows, outcomes))}>
            Download the summary (CSV)
          </Button>
        </UploadCard>
      ) : null}
    </div>
  );
}

function BatchRow({
  row,
  progress,
  live,
}: {
  row: ManifestRow;
  progress?: RowProgress;
  live: ReadonlyMap<string, string>;
}) {
  let badge = statusLabel("queued");
  let detail: string | null = null;
  if (!progress || progress.phase === "waiting") badge = { label: "Waiting", tone: "neutral" };
  else if (progress.phase === "uploading") badge = { label: "Uploading", tone: "info" };
  else if (progress.result.status === "success") {
    const status = live.get(progress.result.labResultId) ?? progress.result.labResultStatus;
    badge = statusLabel(status);
    if (status === HELD_STATUS) {
      badge = { label: "Held", tone: "warning" };
      detail = progress.result.message ?? null;
    }
  } else {
    badge = { label: progress.result.status === "refused" ? "Refused" : "Not sent", tone: "danger" };
    detail = progress.result.message;
  }
  return (
    <li
      className="flex min-w-0 flex-wrap items-start justify-between gap-x-3 gap-y-1 py-2 text-sm"
      data-testid="manifest-file-row"
    >
      <span className="min-w-0 flex-1">
        <span className="block break-all text-slate-800">{row.fileName}</span>
        <span className="block break-words text-xs text-slate-500">
          Accession {row.accessionNumber} · row {row.line}
        </span>
      </span>
      <Badge tone={badge.tone}>{badge.label}</Badge>
      {detail ? (
        <p className={`w-full break-words ${badge.tone === "warning" ? "text-amber-900" : "text-red-800"}`}>{detail}</p>
      ) : null}
    </li>
  );
}
