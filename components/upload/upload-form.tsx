"use client";

import { useEffect, useState, type FormEvent } from "react";
import type { UploadResult } from "@/lib/lab-results/upload-result";
import type { LabResultFlag } from "@/lib/domain";
import { FlagField } from "./flag-field";
import { ContactEmailFields, contactEmailEntries, contactEmailIds, emptyContactEmails } from "./contact-email-fields";
import { BatchControls } from "./batch-controls";
import { ExistingPatientNotice } from "./existing-patient-notice";
import { errorFocusOrder, fieldIds, patientChangeButtonId } from "./field-ids";
import { FileDropZone } from "./file-drop-zone";
import { FileRows } from "./file-rows";
import { LabResultFields } from "./lab-result-fields";
import { PatientPicker } from "./patient-picker";
import { rowOutcome } from "./result-state";
import { addedNotice, countRows, summarizeRows } from "./upload-summary";
import { uploadFailedMessage, type FileRow, type PatientSummary } from "./upload-model";
import {
  buildUploadFormData,
  emptyNewPatient,
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
import { useFileRows } from "./use-file-rows";
import { postUpload } from "./post-upload";
import { useUploadQueue } from "./use-upload-queue";
import { useWarnBeforeLeaving } from "./use-warn-before-leaving";
import { UploadCard } from "./upload-card";

export type UploadFormProps = {
  labName: string;
  maxUploadMb: number;
  /** Sends one file and the batch details; by default to the upload route (postUpload). */
  upload?: (formData: FormData) => Promise<UploadResult>;
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

const detailsId = "upload-details";
const filesHeadingId = "upload-files-heading";

type UploadFormBodyProps = UploadFormProps & { focusOnMount: boolean; onStartOver: () => void };

function UploadFormBody({
  labName,
  maxUploadMb,
  upload = postUpload,
  defaultMode,
  focusOnMount,
  onStartOver,
}: UploadFormBodyProps) {
  const [patientMode, setPatientMode] = useState<PatientMode>("existing");
  const [selectedPatient, setSelectedPatient] = useState<PatientSummary | null>(null);
  const [newPatient, setNewPatient] = useState<NewPatientDraft>(emptyNewPatient);
  const [accessionNumber, setAccessionNumber] = useState("");
  const [mode, setMode] = useState<UploadMode>(defaultMode ?? "interpret");
  const [notes, setNotes] = useState("");
  const [contactEmails, setContactEmails] = useState(emptyContactEmails);
  const [flag, setFlag] = useState<LabResultFlag | "">("");
  const [errors, setErrors] = useState<FormErrors>({});
  const [notice, setNotice] = useState("");
  // A "new" patient whose id the lab already has with other details: offered instead.
  const [conflictPatient, setConflictPatient] = useState<PatientSummary | null>(null);

  const fileRows = useFileRows(maxUploadMb);
  const rows = fileRows.rows;
  const queue = useUploadQueue();

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
  const settled =
    counts.total + counts.skipped > 0 &&
    counts.checking + counts.waiting + counts.uploading + counts.duplicate + counts.ready === 0;

  useEffect(() => {
    if (focusOnMount) document.getElementById(fieldIds.patientRef)?.focus();
  }, [focusOnMount]);

  useWarnBeforeLeaving(busy);

  const details = { patientMode, selectedPatient, newPatient, accessionNumber, mode, notes };

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
    const contacts = contactEmailEntries(contactEmails);
    if (checked.ok) {
      if (contacts.ok)
        return [...checked.entries, ...contacts.entries, ...(flag ? [["flag", flag] as [string, string]] : [])];
      setNotice("Nothing was sent. Correct the e-mail address, or leave it empty.");
      document.getElementById(contactEmailIds[contacts.field])?.focus();
      return null;
    }
    setErrors(checked.errors);
    const problems = Object.values(checked.errors).filter(Boolean).length;
    setNotice(`Nothing was sent. Fix ${problems === 1 ? "the field" : `the ${problems} fields`} marked in red.`);
    focusFirstError(checked.errors);
    return null;
  }

  function addFiles(files: File[]) {
    if (files.length === 0) return;
    const { added, repeated } = fileRows.add(files);
    setFieldError("files", undefined);
    setNotice(addedNotice(added, repeated));
  }

  async function send(key: string, formData: FormData) {
    fileRows.setState(key, { phase: "uploading" });
    try {
      const { state, formErrors, existingPatient } = rowOutcome(await upload(formData));
      if (existingPatient) setConflictPatient(existingPatient);
      if (Object.keys(formErrors).length > 0) setErrors((previous) => ({ ...previous, ...formErrors }));
      fileRows.setState(key, state);
    } catch {
      // A body over the server's limit or a lost connection rejects the call; the server
      // stored nothing, so the row says so and can be tried again.
      fileRows.setState(key, {
        phase: "error",
        message: uploadFailedMessage(maxUploadMb),
        details: [],
        retryable: true,
      });
    }
  }

  function enqueue(keys: string[], entries: UploadEntries, confirmDuplicate: boolean) {
    const wanted = new Set(keys.filter((key) => !queue.isActive(key)));
    const chosen = rows.filter((row) => wanted.has(row.key));
    if (chosen.length === 0) return;
    setNotice("");
    fileRows.setWaiting(wanted);
    queue.enqueue(
      chosen.map((row) => {
        const formData = buildUploadFormData(entries, row.file, confirmDuplicate);
        return { key: row.key, run: () => send(row.key, formData) };
      }),
    );
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
    const row = fileRows.remove(key);
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
            <ExistingPatientNotice
              patient={conflictPatient}
              onUse={() => {
                setPatientMode("existing");
                setSelectedPatient(conflictPatient);
                setConflictPatient(null);
                setFieldError("patientId", undefined);
                setFieldError("patientRef", undefined);
              }}
            />
          ) : null}

          <LabResultFields
            accessionNumber={accessionNumber}
            onAccessionNumberChange={setAccessionNumber}
            mode={mode}
            onModeChange={setMode}
            notes={notes}
            onNotesChange={setNotes}
            errors={errors}
            setFieldError={setFieldError}
          />
          <FlagField value={flag} onChange={setFlag} />
          <ContactEmailFields value={contactEmails} onChange={setContactEmails} />
        </fieldset>

        <UploadCard headingId={filesHeadingId} title="Files" focusableHeading>
          <FileDropZone maxUploadMb={maxUploadMb} error={errors.files} onFiles={addFiles} />

          <BatchControls
            labName={labName}
            submitLabel={submitLabel}
            counts={counts}
            sendable={sendable}
            detailsLocked={detailsLocked}
            notice={notice}
            summary={summary}
            stale={statuses.stale}
            settled={settled}
            onStartOver={onStartOver}
          />

          {rows.length > 0 ? (
            <FileRows
              rows={rows}
              live={statuses.byId}
              onRemove={remove}
              onRetry={retry}
              onSendAgain={sendAgain}
              onSkip={(key) => fileRows.setState(key, { phase: "skipped" })}
            />
          ) : null}
        </UploadCard>
      </div>
    </form>
  );
}
