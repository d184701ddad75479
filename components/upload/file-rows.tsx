"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { LabResultStatusBadge } from "@/components/lab-results/status-badge";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatClockTime, formatFileSize } from "@/lib/format";
import { expectedWait, type FileRow, type LiveLabResult, type RowPhase, type RowState } from "./upload-model";

export type FileRowsProps = {
  rows: FileRow[];
  /** The latest polled state of each sent lab result, by lab result id. */
  live: ReadonlyMap<string, LiveLabResult>;
  onRemove: (key: string) => void;
  onRetry: (key: string) => void;
  onSendAgain: (key: string) => void;
  onSkip: (key: string) => void;
};

/** One row per chosen file: its check, its upload and then where it stands at Docus. */
export function FileRows({ rows, live, onRemove, onRetry, onSendAgain, onSkip }: FileRowsProps) {
  return (
    <ul aria-label="Chosen files" className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
      {rows.map((row) => (
        <FileRowItem
          key={row.key}
          row={row}
          live={row.state.phase === "sent" ? live.get(row.state.labResultId) : undefined}
          onRemove={onRemove}
          onRetry={onRetry}
          onSendAgain={onSendAgain}
          onSkip={onSkip}
        />
      ))}
    </ul>
  );
}

type FileRowItemProps = Omit<FileRowsProps, "rows" | "live"> & { row: FileRow; live: LiveLabResult | undefined };

function FileRowItem({ row, live, onRemove, onRetry, onSendAgain, onSkip }: FileRowItemProps) {
  const { file, state } = row;
  const forFile = <span className="sr-only"> {file.name}</span>;
  const actions: ReactNode[] = [];
  if (state.phase === "error" && state.retryable) {
    actions.push(
      <Button key="retry" variant="secondary" className="px-3 py-1.5" onClick={() => onRetry(row.key)}>
        Try again{forFile}
      </Button>,
    );
  }
  if (state.phase === "duplicate") {
    actions.push(
      <Button key="again" variant="secondary" className="px-3 py-1.5" onClick={() => onSendAgain(row.key)}>
        Send again{forFile}
      </Button>,
      <Button key="skip" variant="ghost" className="px-3 py-1.5" onClick={() => onSkip(row.key)}>
        Skip{forFile}
      </Button>,
    );
  }
  if (state.phase === "ready" || state.phase === "refused" || state.phase === "error" || state.phase === "skipped") {
    actions.push(
      <Button key="remove" variant="ghost" className="px-3 py-1.5" onClick={() => onRemove(row.key)}>
        Remove{forFile}
      </Button>,
    );
  }
  if (state.phase === "sent") {
    actions.push(
      <Link
        key="details"
        href={`/lab-results/${state.labResultId}`}
        target="_blank"
        rel="noopener"
        className="rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 underline-offset-2 hover:underline"
      >
        Details<span className="sr-only"> for {file.name} (opens in a new tab)</span>
        <span aria-hidden="true"> ↗</span>
      </Link>,
    );
  }

  return (
    <li className="flex flex-wrap items-start justify-between gap-3 px-4 py-3">
      <div className="min-w-0 flex-1">
        <p className="flex min-w-0 flex-wrap items-baseline gap-x-2 text-sm">
          <span className="truncate font-medium text-slate-900" title={file.name}>
            {file.name}
          </span>
          <span className="text-xs text-slate-500">{formatFileSize(file.size)}</span>
        </p>
        <div className="mt-1 flex flex-wrap items-center gap-2 text-sm">
          <RowBadge state={state} live={live} />
          <RowMessage state={state} live={live} />
        </div>
      </div>
      {actions.length > 0 ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </li>
  );
}

const localBadges: Record<Exclude<RowPhase, "sent">, { label: string; tone: BadgeTone }> = {
  checking: { label: "Checking", tone: "neutral" },
  ready: { label: "Ready", tone: "info" },
  refused: { label: "Refused", tone: "danger" },
  waiting: { label: "Waiting", tone: "neutral" },
  uploading: { label: "Uploading", tone: "info" },
  error: { label: "Error", tone: "danger" },
  duplicate: { label: "Duplicate", tone: "warning" },
  skipped: { label: "Skipped", tone: "neutral" },
};

function RowBadge({ state, live }: { state: RowState; live: LiveLabResult | undefined }) {
  if (state.phase === "sent") return <LabResultStatusBadge status={live?.status ?? state.status} />;
  const { label, tone } = localBadges[state.phase];
  return <Badge tone={tone}>{label}</Badge>;
}

function Spinner() {
  return (
    <span
      aria-hidden="true"
      className="inline-block h-3.5 w-3.5 animate-spin rounded-full border-2 border-brand-600 border-t-transparent motion-reduce:animate-none"
    />
  );
}

function RowMessage({ state, live }: { state: RowState; live: LiveLabResult | undefined }) {
  switch (state.phase) {
    case "checking":
      return <span className="text-slate-600">Checking the file…</span>;
    case "ready":
      return <span className="text-slate-600">Passed the check; ready to send.</span>;
    case "refused":
      return <span className="text-red-700">{state.problem} It will not be sent.</span>;
    case "waiting":
      return <span className="text-slate-600">Waiting for the files before it to finish uploading.</span>;
    case "uploading":
      return (
        <span className="inline-flex items-center gap-2 text-slate-600">
          <Spinner />
          Uploading…
        </span>
      );
    case "error":
      return (
        <div className="w-full text-red-700">
          <p>{state.message}</p>
          {state.details.length > 0 ? (
            <ul className="mt-1 list-disc pl-5">
              {state.details.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : null}
        </div>
      );
    case "duplicate":
      return (
        <div className="w-full text-amber-900">
          <p>{state.message}</p>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-slate-700">
            Earlier upload: <LabResultStatusBadge status={state.duplicateOf.status} />
            <Link
              href={`/lab-results/${state.duplicateOf.labResultId}`}
              target="_blank"
              rel="noopener"
              className="text-brand-700 underline underline-offset-2"
            >
              view it<span className="sr-only"> (opens in a new tab)</span>
            </Link>
          </p>
          <p className="mt-1 text-slate-700">Send it again only if this is a corrected or new result.</p>
        </div>
      );
    case "skipped":
      return <span className="text-slate-600">Skipped: not sent again.</span>;
    case "sent":
      return <SentMessage state={state} live={live} />;
  }
}

function SentMessage({
  state,
  live,
}: {
  state: Extract<RowState, { phase: "sent" }>;
  live: LiveLabResult | undefined;
}) {
  const status = live?.status ?? state.status;
  // The upload's own message describes the status it answered with, not later ones.
  const uploadMessage = status === state.status ? state.message : undefined;
  switch (status) {
    case "needs_confirmation":
      return (
        <span className="text-amber-900">
          Held before sending: {uploadMessage ?? "the PDF's text does not name this patient."}{" "}
          <Link
            href={`/lab-results/${state.labResultId}`}
            target="_blank"
            rel="noopener"
            className="font-medium text-brand-700 underline underline-offset-2"
          >
            Review and confirm<span className="sr-only"> (opens in a new tab)</span>
          </Link>
        </span>
      );
    case "queued": {
      const wait = expectedWait(live?.expectedAt);
      return (
        <span className="text-slate-600">
          {wait ? `Saved; in queue, ${wait}.` : (uploadMessage ?? "Saved; waiting to be sent to Docus.")}
        </span>
      );
    }
    case "sending":
      return (
        <span className="inline-flex items-center gap-2 text-slate-600">
          <Spinner />
          Sending to Docus…
        </span>
      );
    case "retrying":
      return (
        <span className="text-amber-900">
          Docus could not take it yet
          {live?.attempts ? ` (attempt ${live.attempts})` : ""}
          {live?.nextAttemptAt
            ? `; next attempt at ${formatClockTime(live.nextAttemptAt)}.`
            : "; it will be tried again shortly."}
          {live?.lastError ? <span className="block text-slate-600">{live.lastError}</span> : null}
        </span>
      );
    case "rejected":
    case "failed":
      return (
        <span className="text-red-700">
          {live?.lastError ??
            uploadMessage ??
            (status === "rejected" ? "Docus did not accept this file." : "Sending failed.")}
        </span>
      );
    case "accepted":
      return <span className="text-slate-600">{uploadMessage ?? "Accepted by Docus."}</span>;
    case "report_ready":
      return <span className="text-slate-600">The interpretation report is ready.</span>;
    case "cancelled":
      return <span className="text-slate-600">Cancelled.</span>;
  }
}
