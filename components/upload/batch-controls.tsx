"use client";

import Link from "next/link";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { UploadProgress } from "./upload-progress";
import type { RowCounts } from "./upload-summary";

export type BatchControlsProps = {
  labName: string;
  submitLabel: string;
  counts: RowCounts;
  /** Files that a click on the submit button would send. */
  sendable: number;
  detailsLocked: boolean;
  notice: string;
  summary: string;
  /** True when the last status refresh failed. */
  stale: boolean;
  /** Every file of the batch has come to rest: offer to start again. */
  settled: boolean;
  onStartOver: () => void;
};

/** The submit button, the batch's progress and what the form has to say about it. */
export function BatchControls({
  labName,
  submitLabel,
  counts,
  sendable,
  detailsLocked,
  notice,
  summary,
  stale,
  settled,
  onStartOver,
}: BatchControlsProps) {
  const canSubmit = sendable > 0 && counts.checking === 0;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={!canSubmit} aria-describedby="upload-submit-hint">
          {submitLabel}
        </Button>
        <p id="upload-submit-hint" className="text-sm text-slate-600">
          {counts.checking > 0
            ? "Checking the files…"
            : sendable === 0
              ? "Choose at least one PDF file."
              : `${sendable === 1 ? "1 file" : `${sendable} files`} to send for ${labName}${
                  detailsLocked ? ", with the same patient and accession number" : ""
                }.`}
        </p>
      </div>

      {counts.total >= 2 ? <UploadProgress done={counts.sent} total={counts.total} /> : null}

      <div
        aria-live="polite"
        role="status"
        className={cn("space-y-1 text-sm text-slate-700", !notice && !summary && "sr-only")}
      >
        {notice ? <p>{notice}</p> : null}
        {summary ? <p>{summary}</p> : null}
        {stale ? <p className="text-amber-900">The statuses could not be refreshed; trying again.</p> : null}
      </div>

      {settled ? (
        <div className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3">
          {counts.docusPending > 0 ? (
            <p className="text-sm text-slate-700">
              Files still on their way to Docus keep going if you start again; follow them under{" "}
              <Link href="/lab-results" className="text-brand-700 underline underline-offset-2">
                Lab results
              </Link>
              .
            </p>
          ) : null}
          <Button variant="secondary" onClick={onStartOver}>
            Upload more for another patient
          </Button>
        </div>
      ) : null}
    </div>
  );
}
