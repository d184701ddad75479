"use client";

import Link from "next/link";
import { useRef } from "react";
import { ReportDiff, type ReportDiffProps } from "@/components/reports/report-diff";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { LabResultFlag } from "@/lib/domain";
import type { AgeTone } from "@/lib/inbox";
import { FlagBadge } from "./flag-badge";
import { useRowKeys } from "./use-row-keys";

export type InboxListRow = {
  reportId: string;
  version: number;
  amended: boolean;
  receivedLabel: string;
  flag: LabResultFlag | null;
  accessionNumber: string;
  patientName: string;
  patientExternalId: string;
  /** "you", "unassigned", or the owner's name. */
  owner: string;
  copiedToMe: boolean;
  state: "new" | "viewed";
  followUpNote: string | null;
  ageDays: number;
  ageTone: AgeTone;
  /** An amended report's comparison with the version last signed off (or the one before it). */
  diff: Omit<ReportDiffProps, "headingLevel" | "refreshWhilePending"> | null;
};

/** One line saying what changed, for the row's disclosure. */
function diffSummary(diff: NonNullable<InboxListRow["diff"]>): string {
  const since = `since version ${diff.fromVersion}`;
  if (diff.state === "pending" || diff.state === "missing") return `What changed ${since}: being compared`;
  if (diff.state === "failed") return `What changed ${since}: could not be compared`;
  if (!diff.changed) return `What changed ${since}: no text changes`;
  const n = (count: number | null, word: string) => `${count ?? 0} ${word}${count === 1 ? "" : "s"}`;
  return `What changed ${since}: ${n(diff.wordsAdded, "word")} added, ${n(diff.wordsRemoved, "word")} removed`;
}

const ageClasses: Record<AgeTone, string> = {
  normal: "text-slate-600",
  amber: "rounded bg-amber-100 px-1.5 font-semibold text-amber-900",
  red: "rounded bg-red-100 px-1.5 font-semibold text-red-800",
};

const ROW_LINK = "a[data-inbox-row]";

/** The inbox's rows; j/k or the arrow keys move between them, Enter opens one. */
export function InboxList({ rows, total, limit }: { rows: InboxListRow[]; total: number; limit: number }) {
  const list = useRef<HTMLUListElement>(null);
  useRowKeys(list, ROW_LINK);
  return (
    <section aria-labelledby="inbox-list-heading" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-200 px-4 py-3">
        <h2 id="inbox-list-heading" className="text-base font-semibold text-slate-900">
          Waiting for sign-off <span className="text-sm font-normal text-slate-600">({total})</span>
        </h2>
        <p className="text-xs text-slate-600" id="inbox-keys">
          Keys: <kbd className="font-mono">j</kbd>/<kbd className="font-mono">k</kbd> or arrows move, Enter opens,{" "}
          <kbd className="font-mono">s</kbd> signs off the open report.
        </p>
      </div>
      <p role="status" className="sr-only">
        {total === 0
          ? "No reports waiting for sign-off."
          : `${total} ${total === 1 ? "report" : "reports"} waiting for sign-off.`}
      </p>
      {rows.length === 0 ? (
        <p className="px-4 py-6 text-sm text-slate-600">Nothing is waiting for sign-off here.</p>
      ) : (
        <ul ref={list} className="divide-y divide-slate-100" aria-describedby="inbox-keys" data-testid="inbox-rows">
          {rows.map((row) => (
            <li
              key={row.reportId}
              data-testid="inbox-row"
              data-flag={row.flag ?? "none"}
              className={cn(
                "px-4 py-3",
                row.flag === "critical"
                  ? "border-l-4 border-red-600"
                  : row.flag === "abnormal"
                    ? "border-l-4 border-amber-500"
                    : "border-l-4 border-transparent",
              )}
            >
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <Link
                  href={`/reports/${row.reportId}`}
                  data-inbox-row=""
                  className="inline-flex min-h-11 min-w-0 items-center break-words font-medium text-brand-700 underline focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
                >
                  {row.patientName}
                  <span className="sr-only">
                    {`, ${row.flag ?? "not flagged"}${row.amended ? ", amended" : ""}, ${row.state}`}
                  </span>
                </Link>
                <span className="font-mono text-xs text-slate-600">{row.patientExternalId}</span>
                <FlagBadge flag={row.flag} />
                {row.amended ? <Badge tone="info">Amended · v{row.version}</Badge> : null}
                <Badge tone={row.state === "new" ? "info" : "neutral"}>{row.state === "new" ? "New" : "Viewed"}</Badge>
                {row.followUpNote ? <Badge tone="warning">Needs follow-up</Badge> : null}
              </div>
              <div className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600">
                <span>
                  Accession <span className="font-mono">{row.accessionNumber}</span>
                </span>
                <span>
                  {row.owner === "you" ? "Yours" : row.owner === "unassigned" ? "Unassigned" : `Owner: ${row.owner}`}
                  {row.copiedToMe ? " · copied to you" : ""}
                </span>
                <span>Delivered {row.receivedLabel}</span>
                <span className={ageClasses[row.ageTone]}>
                  {row.ageDays === 0 ? "today" : `${row.ageDays} ${row.ageDays === 1 ? "day" : "days"} waiting`}
                </span>
              </div>
              {row.diff ? (
                <details className="mt-1" data-testid="inbox-row-diff">
                  <summary className="inline-flex min-h-11 cursor-pointer items-center text-sm text-brand-700 underline focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-brand-600">
                    {diffSummary(row.diff)}
                  </summary>
                  <div className="mt-2">
                    <ReportDiff {...row.diff} headingLevel={3} />
                  </div>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {total > rows.length ? (
        <p className="border-t border-slate-200 px-4 py-3 text-sm text-slate-600">
          Showing the first {limit} of {total}. Narrow the filters to see the others.
        </p>
      ) : null}
    </section>
  );
}
