"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, useTransition } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";
import { formatClockTime, formatDateTime } from "@/lib/format";
import { LabResultStatusBadge } from "./status-badge";
import type { LabResultListItem } from "@/lib/lab-results/list-item";
import { pollIntervals } from "@/lib/lab-results/poll-interval";
import { useStatusPolling } from "./use-status-polling";

export type LabResultsLiveProps = {
  initialRows: LabResultListItem[];
  /** The page's filters as a query string, so that polling asks for the same rows. */
  query: string;
  canManage: boolean;
  retry: (id: string) => Promise<ActionResult>;
  cancel: (id: string) => Promise<ActionResult>;
};

async function fetchRows(query: string): Promise<LabResultListItem[]> {
  const response = await fetch(`/api/lab-results${query ? `?${query}` : ""}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return ((await response.json()) as { results: LabResultListItem[] }).results;
}

/** The lab results table, kept live by polling every 2 s while anything is still moving. */
export function LabResultsLive({ initialRows, query, canManage, retry, cancel }: LabResultsLiveProps) {
  const queryClient = useQueryClient();
  const { data: rows = initialRows, isError } = useStatusPolling({
    queryKey: ["lab-results", query],
    queryFn: () => fetchRows(query),
    initialData: initialRows,
    // Fast while a send is under way, slower while interpreted results await their report.
    statusesOf: (data) => (data ?? []).map((r) => r.status),
    policy: {
      awaitReports: false,
      awaitingReport: pollIntervals.awaitingReport,
      settled: pollIntervals.awaitingReport,
    },
  });
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();

  function run(action: (id: string) => Promise<ActionResult>, id: string) {
    startTransition(async () => {
      const result = await action(id);
      setMessage(result.message);
      await queryClient.invalidateQueries({ queryKey: ["lab-results"] });
    });
  }

  return (
    <div>
      <p aria-live="polite" className="mb-2 min-h-5 text-sm text-slate-700">
        {isError ? "Could not refresh the list; showing the last known states." : message}
      </p>
      {/* Scrolls sideways on a narrow screen, in a box the keyboard can focus (as components/ui/table). */}
      <div
        tabIndex={0}
        data-scroll-box="table"
        className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
      >
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Lab results, newest first</caption>
          <thead>
            <tr>
              {["Submitted", "Patient", "Accession", "File", "Mode", "Status", "Attempts", "Last error", ""].map(
                (h, i) => (
                  <th key={i} scope="col" className="bg-slate-50 px-3 py-2 text-left font-medium text-slate-700">
                    {h || <span className="sr-only">Actions</span>}
                  </th>
                ),
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id} data-testid="lab-result-row">
                <td className="whitespace-nowrap px-3 py-2">{formatDateTime(row.createdAt)}</td>
                <td className="px-3 py-2">
                  {row.patientName} <span className="text-slate-500">({row.patientExternalId})</span>
                </td>
                <td className="px-3 py-2 font-mono">{row.accessionNumber}</td>
                <td className="max-w-48 truncate px-3 py-2" title={row.fileName}>
                  {row.fileName}
                </td>
                <td className="px-3 py-2">{row.mode === "interpret" ? "Interpret" : "Store only"}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  <LabResultStatusBadge status={row.status} />
                  {row.status === "retrying" && row.nextAttemptAt ? (
                    <span className="ml-1 text-xs text-slate-600">next at {formatClockTime(row.nextAttemptAt)}</span>
                  ) : null}
                </td>
                <td className="px-3 py-2">{row.attempts}</td>
                <td className="max-w-64 px-3 py-2 text-red-700">{row.lastError ?? ""}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  <div className="flex items-center gap-2">
                    <Link
                      href={`/lab-results/${row.id}`}
                      className="text-brand-700 underline"
                      aria-label={`Details of ${row.accessionNumber} (${row.fileName})`}
                    >
                      Details
                    </Link>
                    {canManage && row.status === "needs_confirmation" ? (
                      <Link
                        href={`/lab-results/${row.id}`}
                        className={buttonClasses("secondary", "px-2 py-1")}
                        aria-label={`Review ${row.accessionNumber} (${row.fileName}) before sending`}
                      >
                        Review
                      </Link>
                    ) : null}
                    {canManage && (row.status === "rejected" || row.status === "failed") ? (
                      <RowButton disabled={pending} onClick={() => run(retry, row.id)}>
                        Retry
                      </RowButton>
                    ) : null}
                    {canManage && (row.status === "queued" || row.status === "retrying" || row.status === "sending") ? (
                      <RowButton disabled={pending} onClick={() => run(cancel, row.id)}>
                        Cancel
                      </RowButton>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** A small secondary button of a lab result's row (retry, cancel). */
function RowButton({ disabled, onClick, children }: { disabled: boolean; onClick: () => void; children: string }) {
  return (
    <Button variant="secondary" className="px-2 py-1" disabled={disabled} onClick={onClick}>
      {children}
    </Button>
  );
}
