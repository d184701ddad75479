"use client";

import { useRef, useState } from "react";
import type { LabResultMode } from "@/lib/domain";
import {
  baseName,
  checkManifest,
  parseManifestFile,
  type ManifestCheckResult,
  type ManifestFile,
  type ParsedManifest,
} from "@/lib/manifest";
import { plural } from "./format";
import { ManifestBatch } from "./manifest-batch";
import { describeDroppedFile, fileKey } from "./manifest-files";
import { ManifestInputs } from "./manifest-inputs";
import { mergeChecks, type CheckView, type RowProgress } from "./manifest-model";
import { ManifestProblems } from "./manifest-problems";
import { sendBatch, type SendFile } from "./manifest-send";

export type ManifestUploadProps = {
  labName: string;
  maxUploadMb: number;
  defaultMode: LabResultMode;
  /** The server's check (server action). */
  check: (formData: FormData) => Promise<ManifestCheckResult>;
  /** The server's send of one file (server action). */
  send: SendFile;
};

type Phase = "check" | "sending" | "done";

/** Bulk upload: a manifest and many PDFs, every problem listed before anything is sent. */
export function ManifestUpload({ labName, maxUploadMb, defaultMode, check, send }: ManifestUploadProps) {
  const [manifest, setManifest] = useState<File | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [dropped, setDropped] = useState<ReadonlyMap<number, string>>(new Map());
  const [parsed, setParsed] = useState<ParsedManifest | null>(null);
  const [view, setView] = useState<CheckView | null>(null);
  const [checking, setChecking] = useState(false);
  const [phase, setPhase] = useState<Phase>("check");
  const [progress, setProgress] = useState<ReadonlyMap<number, RowProgress>>(new Map());
  const [notice, setNotice] = useState("");
  const described = useRef(new Map<File, Promise<ManifestFile>>());
  const run = useRef(0);

  function describe(file: File): Promise<ManifestFile> {
    let found = described.current.get(file);
    if (!found) {
      found = describeDroppedFile(file, maxUploadMb);
      described.current.set(file, found);
    }
    return found;
  }

  /** Checks everything again, in the browser and then on the server; only the latest run counts. */
  async function recheck(nextManifest: File | null, nextFiles: File[], nextDropped: ReadonlyMap<number, string>) {
    const id = ++run.current;
    if (!nextManifest) {
      setParsed(null);
      setView(null);
      return;
    }
    setChecking(true);
    const [read, infos] = await Promise.all([parseManifestFile(nextManifest), Promise.all(nextFiles.map(describe))]);
    if (id !== run.current) return;
    const kept = { ...read, rows: read.rows.filter((r) => !nextDropped.has(r.line)) };
    const client = checkManifest(kept, infos, { defaultMode });
    setParsed(read);
    setView({ problems: client.problems, ready: client.ready, patientCount: client.patientCount, server: "pending" });
    const formData = new FormData();
    formData.append("manifest", nextManifest, nextManifest.name);
    formData.append("files", JSON.stringify(infos.map(({ name, size, sha256 }) => ({ name, size, sha256 }))));
    formData.append("dropped", JSON.stringify([...nextDropped.keys()]));
    let server: ManifestCheckResult;
    try {
      server = await check(formData);
    } catch {
      server = { status: "error", message: "The server could not be reached to check the manifest. Try again." };
    }
    if (id !== run.current) return;
    const merged = mergeChecks(client, server);
    setView(merged);
    setChecking(false);
    setNotice(
      merged.problems.length === 0
        ? `Checked: ${merged.ready.length} files for ${merged.patientCount} patients, no problems.`
        : `Checked: ${merged.problems.length} ${merged.problems.length === 1 ? "problem" : "problems"} to fix before sending.`,
    );
  }

  function chooseManifest(file: File | null) {
    setManifest(file);
    setDropped(new Map());
    void recheck(file, files, new Map());
  }

  function addFiles(added: File[]) {
    const byKey = new Map(files.map((f) => [fileKey(f.name), f]));
    for (const file of added) byKey.set(fileKey(file.name), file);
    const next = [...byKey.values()];
    setFiles(next);
    setNotice(`${added.length === 1 ? "1 file" : `${added.length} files`} added.`);
    void recheck(manifest, next, dropped);
  }

  function removeFile(name: string) {
    const next = files.filter((f) => fileKey(f.name) !== fileKey(name));
    setFiles(next);
    void recheck(manifest, next, dropped);
  }

  /** Drops rows (and the files only they name) from the batch; the summary keeps them, with why. */
  function dropLines(lines: number[]) {
    if (!parsed || !view) return;
    const next = new Map(dropped);
    for (const line of lines) {
      const reasons = view.problems.filter((p) => p.line === line).map((p) => p.message);
      next.set(line, reasons.length > 0 ? `Dropped before sending: ${reasons.join(" ")}` : "Dropped before sending.");
    }
    const stillNamed = new Set(
      parsed.rows.filter((r) => !next.has(r.line)).map((r) => fileKey(baseName(r.values.fileName ?? ""))),
    );
    const nextFiles = files.filter((f) => stillNamed.has(fileKey(f.name)));
    setDropped(next);
    setFiles(nextFiles);
    setNotice(`${lines.length === 1 ? `Row ${lines[0]} dropped` : `${lines.length} rows dropped`}. Checking again…`);
    void recheck(manifest, nextFiles, next);
  }

  async function startSending() {
    if (!view || view.problems.length > 0 || view.ready.length === 0 || checking) return;
    const rows = view.ready;
    const byKey = new Map(files.map((f) => [fileKey(f.name), f]));
    setPhase("sending");
    setProgress(new Map(rows.map((r) => [r.line, { phase: "waiting" }])));
    setNotice(`Sending ${rows.length} files for ${view.patientCount} patients…`);
    await sendBatch(
      rows,
      (row) => byKey.get(fileKey(row.fileName)),
      send,
      (line, update) => setProgress((previous) => new Map(previous).set(line, update)),
    );
    setPhase("done");
    setNotice("Every file of the batch has been handled. The summary below says what was sent and what was not.");
  }

  const canSend =
    phase === "check" && !checking && view?.server === "done" && view.problems.length === 0 && view.ready.length > 0;
  return (
    <div className="min-w-0 space-y-6">
      <p role="status" aria-live="polite" className="text-sm text-slate-700">
        {notice}
      </p>
      {phase === "check" ? (
        <ManifestInputs
          maxUploadMb={maxUploadMb}
          manifest={manifest}
          files={files}
          onManifest={chooseManifest}
          onFiles={addFiles}
          ignoredHeaders={parsed?.ignoredHeaders ?? []}
        />
      ) : null}
      {phase === "check" && view ? (
        <ManifestProblems
          problems={view.problems}
          checking={checking || view.server === "pending"}
          serverError={typeof view.server === "object" ? view.server.error : null}
          onDropLines={dropLines}
          onRemoveFile={removeFile}
          send={{
            label: `Send ${plural(view.ready.length, "file")} for ${plural(view.patientCount, "patient")}`,
            enabled: canSend,
            labName,
            onSend: () => void startSending(),
          }}
        />
      ) : null}
      {phase !== "check" && parsed && view ? (
        <ManifestBatch
          rows={parsed.rows}
          ready={view.ready}
          dropped={dropped}
          progress={progress}
          done={phase === "done"}
        />
      ) : null}
    </div>
  );
}
