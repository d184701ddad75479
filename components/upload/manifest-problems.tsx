"use client";

import { Button } from "@/components/ui/button";
import { columnSpecs, type ManifestProblem } from "@/lib/manifest";
import { plural } from "./format";
import { UploadCard } from "./upload-card";

export type ManifestProblemsProps = {
  problems: ManifestProblem[];
  checking: boolean;
  serverError: string | null;
  onDropLines: (lines: number[]) => void;
  onRemoveFile: (name: string) => void;
  send: { label: string; enabled: boolean; labName: string; onSend: () => void };
};

type Group = { key: string; title: string; line: number | null; fileName?: string; problems: ManifestProblem[] };

/** Problems by where they are: the manifest as a whole, each row, each dropped file that no row names. */
function groupProblems(problems: ManifestProblem[]): Group[] {
  const groups = new Map<string, Group>();
  for (const p of problems) {
    const key = p.line !== null ? `row-${p.line}` : p.fileName ? `file-${p.fileName}` : "manifest";
    const title = p.line !== null ? `Row ${p.line}` : p.fileName ? `File ${p.fileName}` : "The manifest";
    const group = groups.get(key) ?? { key, title, line: p.line, fileName: p.fileName, problems: [] };
    group.problems.push(p);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function columnLabel(p: ManifestProblem): string | null {
  if (!p.column) return null;
  const label = columnSpecs[p.column].label;
  return label[0]!.toUpperCase() + label.slice(1);
}

/** Every problem at once, by row and column, with a way to drop the rows in error; then the send button. */
export function ManifestProblems({
  problems,
  checking,
  serverError,
  onDropLines,
  onRemoveFile,
  send,
}: ManifestProblemsProps) {
  const groups = groupProblems(problems);
  const lines = groups.flatMap((g) => (g.line !== null ? [g.line] : []));
  const summary = checking
    ? problems.length > 0
      ? `Checking… ${plural(problems.length, "problem")} found so far.`
      : "Checking the manifest and the files…"
    : problems.length === 0
      ? serverError
        ? "The check could not be finished."
        : "No problems: the batch is ready to send."
      : `${plural(problems.length, "problem")} in ${plural(groups.length, "place")}. Nothing has been sent. Fix the manifest and choose it again, or drop the rows in error and send the rest.`;
  return (
    <UploadCard headingId="manifest-check-heading" title="3. Check">
      <p role="status" aria-live="polite" className="text-sm font-medium text-slate-800">
        {summary}
      </p>
      {serverError ? (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
          {serverError} Nothing is sent until the server has checked the batch.
        </p>
      ) : null}
      {lines.length > 1 ? (
        <Button variant="secondary" onClick={() => onDropLines(lines)}>
          Drop the {lines.length} rows with problems
        </Button>
      ) : null}
      {groups.length > 0 ? (
        <ul aria-label="Problems" className="space-y-3">
          {groups.map((group) => (
            <li key={group.key} className="min-w-0 rounded-md border border-red-200 bg-red-50/40 p-3">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h3 className="text-sm font-semibold text-slate-900">{group.title}</h3>
                {group.line !== null ? (
                  <Button variant="ghost" className="px-2 py-1" onClick={() => onDropLines([group.line!])}>
                    Drop row {group.line}
                  </Button>
                ) : group.fileName ? (
                  <Button variant="ghost" className="px-2 py-1" onClick={() => onRemoveFile(group.fileName!)}>
                    Remove {group.fileName}
                  </Button>
                ) : null}
              </div>
              <ul className="mt-1 space-y-1 text-sm text-slate-800">
                {group.problems.map((p, i) => (
                  <li key={i} className="break-words">
                    {columnLabel(p) ? <span className="font-medium">{columnLabel(p)}: </span> : null}
                    {p.message}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4">
        <Button onClick={send.onSend} disabled={!send.enabled} aria-describedby="manifest-send-hint">
          {send.label}
        </Button>
        <p id="manifest-send-hint" className="text-sm text-slate-600">
          {send.enabled
            ? `Each file is stored and queued for Docus from ${send.labName}, as with a single upload.`
            : "Sending is possible once no problem is left."}
        </p>
      </div>
    </UploadCard>
  );
}
