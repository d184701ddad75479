"use client";

import Link from "next/link";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { UploadResult } from "@/lib/lab-results/upload-result";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { checkPdfFile, fileSignature } from "./check-pdf-file";
import { fieldIds, patientChangeButtonId } from "./field-ids";
import { FileDropZone } from "./file-drop-zone";
import { FileRows } from "./file-rows";
import { FieldError, FormField } from "@/components/ui/form-field";
import { PatientPicker } from "./patient-picker";
import { UploadProgress } from "./upload-progress";
import { countRows, summarizeRows } from "./upload-summary";
import { uploadFailedMessage, type FileRow, type PatientSummary, type RowState } from "./upload-model";
import {
  buildUploadFormData,
  emptyNewPatient,
  splitServerFieldErrors,
  validateDetails,
  validateField,
  type DetailField,
  type FormErrors,
  type NewPatientDraft,
  type NewPatientField,
  type PatientMode,
  type UploadEntries,
  type UploadMode,
} from "./upload-validation";
import { useLabResultStatuses } from "./use-lab-result-statuses";

export type UploadFormProps = {
  labName: string;
  maxUploadMb: number;
  /** The upload server action: one file and the batch details per call. */
  upload: (formData: FormData) => Promise<UploadResult>;
  /** The lab's default mode (a lab setting). */
  defaultMode?: UploadMode;
};

/** The technician's upload form. Starting again for another patient mounts a fresh form. */
export function UploadForm(props: UploadFormProps) {
  const [generation, setGeneration] = useState(0);
  return (
    <UploadFormBody
      key={generation}
      {...props}
      focusOnMount={generation > 0}
      onStartOver={() => setGeneration((g) => g + 1)}
    />
  );
}

const MAX_IN_FLIGHT = 2;

const modeOptions: Array<{ value: UploadMode; label: string; description: string }> = [
  {
    value: "interpret",
    label: "Interpret",
    description: "Docus interprets the results and sends an interpretation report back to the portal.",
  },
  {
    value: "store_only",
    label: "Store only",
    description: "Docus keeps the results on file without interpreting them; no report comes back.",
  },
];

const errorFocusOrder: Array<DetailField | "files"> = [
  "patientRef",
  "patientId",
  "givenName",
  "familyName",
  "birthDate",
  "sex",
  "accessionNumber",
  "mode",
  "notes",
  "files",
];

type UploadJob = { key: string; formData: FormData };

const detailsId = "upload-details";
const filesHeadingId = "upload-files-heading";

type UploadFormBodyProps = UploadFormProps & { focusOnMount: boolean; onStartOver: () => void };

function UploadFormBody({ labName, maxUploadMb, upload, defaultMode, focusOnMount, onStartOver }: UploadFormBodyProps) {
  const [patientMode, setPatientMode] = useState<PatientMode>("existing");
  const [selectedPatient, setSelectedPatient] = useState<PatientSummary | null>(null);
  const [newPatient, setNewPatient] = useState<NewPatientDraft>(emptyNewPatient);
  const [accessionNumber, setAccessionNumber] = useState("");
  const [mode, setMode] = useState<UploadMode>(defaultMode ?? "interpret");
  const [notes, setNotes] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const [rows, setRows] = useState<FileRow[]>([]);
  const [notice, setNotice] = useState("");
  // A "new" patient whose id the lab already has with other details: offered instead.
  const [conflictPatient, setConflictPatient] = useState<PatientSummary | null>(null);

  // The upload queue lives outside React state: it is only touched by event handlers and
  // by the uploads' own callbacks, never during render.
  const queueRef = useRef<UploadJob[]>([]);
  const inFlightRef = useRef(0);
  // Rows waiting or uploading; a second click cannot queue the same file twice.
  const activeKeysRef = useRef(new Set<string>());
  const nextKeyRef = useRef(0);

  const tracked = rows.flatMap((row) =>
    row.state.phase === "sent" ? [{ id: row.state.labResultId, status: row.state.status }] : [],
  );
  // An interpreted lab result still changes after "accepted": its report arrives.
  const statuses = useLabResultStatuses(tracked, mode === "interpret");
  const counts = countRows(rows, statuses.byId);
  const busy = counts.waiting + counts.uploading > 0;
  // Once a file of the batch has been sent (or is on its way), the details are fixed for
  // the batch, so that every file of it goes to the same patient and accession number.
  const detailsLocked = busy || counts.sent > 0 || counts.duplicate > 0;
  const isSendable = (row: FileRow) =>
    row.state.phase === "ready" || (row.state.phase === "error" && row.state.retryable);
  const sendable = rows.filter(isSendable).length;
  const canSubmit = sendable > 0 && counts.checking === 0;
  const settled =
    counts.total + counts.skipped > 0 &&
    counts.checking + counts.waiting + counts.uploading + counts.duplicate + counts.ready === 0;

  useEffect(() => {
    if (focusOnMount) document.getElementById(fieldIds.patientRef)?.focus();
  }, [focusOnMount]);

  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [busy]);

  const details = { patientMode, selectedPatient, newPatient, accessionNumber, mode, notes };

  function setRowState(key: string, state: RowState) {
    setRows((previous) => previous.map((row) => (row.key === key ? { ...row, state } : row)));
  }

  function setFieldError(field: DetailField | "files", error: string | undefined) {
    setErrors((previous) => (previous[field] === error ? previous : { ...previous, [field]: error }));
  }

  function focusFirstError(found: FormErrors) {
    const first = errorFocusOrder.find((field) => found[field]);
    if (!first) return;
    const id = first === "patientRef" && selectedPatient ? patientChangeButtonId : fieldIds[first];
    document.getElementById(id)?.focus();
  }

  /** Checks the details; on a problem shows it, focuses the field and returns null. */
  function checkedEntries(): UploadEntries | null {
    const checked = validateDetails(details);
    if (checked.ok) return checked.entries;
    setErrors(checked.errors);
    const problems = Object.values(checked.errors).filter(Boolean).length;
    setNotice(`Nothing was sent. Fix ${problems === 1 ? "the field" : `the ${problems} fields`} marked in red.`);
    focusFirstError(checked.errors);
    return null;
  }

  function addFiles(files: File[]) {
    if (files.length === 0) return;
    const known = new Set(rows.map((row) => fileSignature(row.file)));
    const added: FileRow[] = [];
    const repeated: string[] = [];
    for (const file of files) {
      const signature = fileSignature(file);
      if (known.has(signature)) {
        repeated.push(file.name);
        continue;
      }
      known.add(signature);
      nextKeyRef.current += 1;
      added.push({ key: `file-${nextKeyRef.current}`, file, state: { phase: "checking" } });
    }
    setRows((previous) => [...previous, ...added]);
    setFieldError("files", undefined);
    setNotice(
      [
        added.length > 0 ? `${added.length === 1 ? "1 file" : `${added.length} files`} added.` : "",
        repeated.length > 0 ? `Already in the list: ${repeated.join(", ")}.` : "",
      ]
        .filter(Boolean)
        .join(" "),
    );
    for (const row of added) {
      void checkPdfFile(row.file, maxUploadMb).then((problem) => {
        setRows((previous) =>
          previous.map((r) =>
            r.key === row.key && r.state.phase === "checking"
              ? { ...r, state: problem ? { phase: "refused", problem } : { phase: "ready" } }
              : r,
          ),
        );
      });
    }
  }

  function stateFromResult(result: UploadResult): RowState {
    switch (result.status) {
      case "success":
        return {
          phase: "sent",
          labResultId: result.labResultId,
          status: result.labResultStatus,
          message: result.message,
        };
      case "duplicate":
        return { phase: "duplicate", message: result.message, duplicateOf: result.duplicateOf };
      case "invalid": {
        const { lines, formErrors } = splitServerFieldErrors(result.fieldErrors);
        if (result.existingPatient) setConflictPatient(result.existingPatient);
        if (Object.keys(formErrors).length > 0) setErrors((previous) => ({ ...previous, ...formErrors }));
        const aboutDetails = Object.keys(formErrors).length > 0;
        return {
          phase: "error",
          message:
            result.message ??
            (aboutDetails
              ? "The portal did not accept these details. Fix the fields marked in red, then try again."
              : "The portal did not accept this file."),
          details: lines,
          // Sending the same file again cannot help when only the file was refused.
          retryable: aboutDetails || !result.fieldErrors?.file,
        };
      }
      case "error":
        return { phase: "error", message: result.message, details: [], retryable: true };
      default:
        return {
          phase: "error",
          message: "The portal answered in an unexpected way. Try again.",
          details: [],
          retryable: true,
        };
    }
  }

  async function runJob(job: UploadJob) {
    try {
      const result = await upload(job.formData);
      setRowState(job.key, stateFromResult(result));
    } catch {
      // A body over the server's limit or a lost connection rejects the call; the server
      // stored nothing, so the row says so and can be tried again.
      setRowState(job.key, { phase: "error", message: uploadFailedMessage(maxUploadMb), details: [], retryable: true });
    }
  }

  /** Starts queued uploads while fewer than MAX_IN_FLIGHT are running. */
  function pump() {
    while (inFlightRef.current < MAX_IN_FLIGHT) {
      const job = queueRef.current.shift();
      if (!job) return;
      inFlightRef.current += 1;
      setRowState(job.key, { phase: "uploading" });
      void runJob(job).finally(() => {
        inFlightRef.current -= 1;
        activeKeysRef.current.delete(job.key);
        pump();
      });
    }
  }

  function enqueue(keys: string[], entries: UploadEntries, confirmDuplicate: boolean) {
    const wanted = new Set(keys.filter((key) => !activeKeysRef.current.has(key)));
    const chosen = rows.filter((row) => wanted.has(row.key));
    if (chosen.length === 0) return;
    for (const row of chosen) activeKeysRef.current.add(row.key);
    setNotice("");
    setRows((previous) => previous.map((row) => (wanted.has(row.key) ? { ...row, state: { phase: "waiting" } } : row)));
    for (const row of chosen) {
      queueRef.current.push({ key: row.key, formData: buildUploadFormData(entries, row.file, confirmDuplicate) });
    }
    pump();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const keys = rows.filter(isSendable).map((row) => row.key);
    if (keys.length === 0 || counts.checking > 0) {
      setFieldError(
        "files",
        counts.checking > 0 ? "Wait until every file has been checked." : "Choose at least one PDF file.",
      );
      document.getElementById(fieldIds.files)?.focus();
      return;
    }
    const entries = checkedEntries();
    if (!entries) return;
    setErrors({});
    // Sending locks the details; if the focus was in one of them, it would be lost.
    if (document.getElementById(detailsId)?.contains(document.activeElement)) {
      document.getElementById(filesHeadingId)?.focus();
    }
    enqueue(keys, entries, false);
  }

  function retry(key: string) {
    const entries = checkedEntries();
    if (entries) enqueue([key], entries, false);
  }

  function sendAgain(key: string) {
    const entries = checkedEntries();
    if (entries) enqueue([key], entries, true);
  }

  function remove(key: string) {
    const row = rows.find((r) => r.key === key);
    setRows((previous) => previous.filter((r) => r.key !== key));
    if (row) setNotice(`${row.file.name} removed.`);
    document.getElementById(fieldIds.files)?.focus();
  }

  function changeNewPatient(field: NewPatientField, value: string) {
    setNewPatient((previous) => ({ ...previous, [field]: value }));
    if (errors[field]) setFieldError(field, validateField(field, value));
  }

  function blurNewPatient(field: NewPatientField) {
    const value = newPatient[field];
    if (value.trim() || errors[field]) setFieldError(field, validateField(field, value));
  }

  const summary = summarizeRows(counts, settled);
  const submitLabel = mode === "store_only" ? "Store at Docus" : "Send to Docus";

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-2">
        <fieldset
          id={detailsId}
          aria-label="Patient and lab result"
          disabled={detailsLocked}
          className="min-w-0 space-y-6 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
          aria-describedby={detailsLocked ? "upload-details-locked" : undefined}
        >
          {detailsLocked ? (
            <p id="upload-details-locked" className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
              These details apply to every file of this batch. To send files for another patient, finish this batch and
              choose “Upload more for another patient”.
            </p>
          ) : null}
          <PatientPicker
            mode={patientMode}
            onModeChange={setPatientMode}
            selected={selectedPatient}
            onSelect={(patient) => {
              setSelectedPatient(patient);
              if (patient) setFieldError("patientRef", undefined);
            }}
            newPatient={newPatient}
            onNewPatientChange={changeNewPatient}
            onNewPatientBlur={blurNewPatient}
            errors={errors}
            disabled={detailsLocked}
          />
          {conflictPatient && patientMode === "new" ? (
            <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
              <p>
                The lab already has patient id {conflictPatient.patientId}: {conflictPatient.familyName},{" "}
                {conflictPatient.givenName}
                {conflictPatient.birthDate ? `, born ${conflictPatient.birthDate}` : ""}.
              </p>
              <Button
                type="button"
                variant="secondary"
                className="mt-2 px-2 py-1"
                onClick={() => {
                  setPatientMode("existing");
                  setSelectedPatient(conflictPatient);
                  setConflictPatient(null);
                  setFieldError("patientId", undefined);
                  setFieldError("patientRef", undefined);
                }}
              >
                Use this existing patient
              </Button>
            </div>
          ) : null}

          <fieldset className="space-y-4">
            <legend className="text-base font-semibold text-slate-900">Lab result</legend>
            <FormField
              id={fieldIds.accessionNumber}
              label="Accession number"
              hint="Letters, digits, “.”, “_” and “-”; the same for every file of this batch."
              error={errors.accessionNumber}
            >
              {(control) => (
                <input
                  {...control}
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  value={accessionNumber}
                  onChange={(event) => {
                    setAccessionNumber(event.target.value);
                    if (errors.accessionNumber)
                      setFieldError("accessionNumber", validateField("accessionNumber", event.target.value));
                  }}
                  onBlur={() => {
                    if (accessionNumber.trim() || errors.accessionNumber) {
                      setFieldError("accessionNumber", validateField("accessionNumber", accessionNumber));
                    }
                  }}
                />
              )}
            </FormField>

            <fieldset aria-describedby={errors.mode ? `${fieldIds.mode}-error` : undefined}>
              <legend className="text-sm font-medium text-slate-800">Mode</legend>
              <div className="mt-2 space-y-2">
                {modeOptions.map((option) => {
                  const id = option.value === "interpret" ? fieldIds.mode : "upload-mode-store-only";
                  return (
                    <div key={option.value} className="flex items-start gap-3">
                      <input
                        id={id}
                        type="radio"
                        name="mode"
                        value={option.value}
                        checked={mode === option.value}
                        onChange={() => {
                          setMode(option.value);
                          setFieldError("mode", undefined);
                        }}
                        aria-describedby={`${id}-description`}
                        className="mt-0.5 h-4 w-4 accent-brand-600"
                      />
                      <div className="text-sm">
                        <label htmlFor={id} className="font-medium text-slate-800">
                          {option.label}
                        </label>
                        <p id={`${id}-description`} className="text-slate-600">
                          {option.description}
                        </p>
                      </div>
                    </div>
                  );
                })}
              </div>
              <FieldError id={fieldIds.mode} error={errors.mode} />
            </fieldset>

            <FormField
              id={fieldIds.notes}
              label="Notes"
              optional
              hint="Sent to Docus with each file. Up to 4000 characters."
              error={errors.notes}
            >
              {(control) => (
                <textarea
                  {...control}
                  rows={3}
                  value={notes}
                  onChange={(event) => {
                    setNotes(event.target.value);
                    if (errors.notes) setFieldError("notes", validateField("notes", event.target.value));
                  }}
                  onBlur={() => setFieldError("notes", validateField("notes", notes))}
                />
              )}
            </FormField>
          </fieldset>
        </fieldset>

        <section
          aria-labelledby={filesHeadingId}
          className="min-w-0 space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
        >
          <h2 id={filesHeadingId} tabIndex={-1} className="text-base font-semibold text-slate-900">
            Files
          </h2>
          <FileDropZone maxUploadMb={maxUploadMb} error={errors.files} onFiles={addFiles} />

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

            {counts.total >= 2 ? <UploadProgress sent={counts.sent} total={counts.total} /> : null}

            <div
              aria-live="polite"
              role="status"
              className={cn("space-y-1 text-sm text-slate-700", !notice && !summary && "sr-only")}
            >
              {notice ? <p>{notice}</p> : null}
              {summary ? <p>{summary}</p> : null}
              {statuses.stale ? (
                <p className="text-amber-900">The statuses could not be refreshed; trying again.</p>
              ) : null}
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

          {rows.length > 0 ? (
            <FileRows
              rows={rows}
              live={statuses.byId}
              onRemove={remove}
              onRetry={retry}
              onSendAgain={sendAgain}
              onSkip={(key) => setRowState(key, { phase: "skipped" })}
            />
          ) : null}
        </section>
      </div>
    </form>
  );
}
