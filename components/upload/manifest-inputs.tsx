"use client";

import { FileDropZone } from "./file-drop-zone";
import { formatFileSize } from "@/lib/format";
import { plural } from "./format";
import { UploadCard } from "./upload-card";

export type ManifestInputsProps = {
  maxUploadMb: number;
  manifest: File | null;
  files: File[];
  onManifest: (file: File | null) => void;
  onFiles: (files: File[]) => void;
  ignoredHeaders: string[];
};

const manifestInputId = "manifest-file";

/** The manifest (CSV or Excel) and the PDFs it lists. */
export function ManifestInputs({
  maxUploadMb,
  manifest,
  files,
  onManifest,
  onFiles,
  ignoredHeaders,
}: ManifestInputsProps) {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <UploadCard headingId="manifest-heading" title="1. Manifest" spacing={3}>
        <p className="text-sm text-slate-700">
          One row per PDF: file name, patient id, given name, family name, birth date, sex, accession number, mode
          (interpret or store only), notes, and optionally patient and physician e-mail.{" "}
          <a href="/manifest-template.csv" download className="text-brand-700 underline underline-offset-2">
            Download the template (CSV)
          </a>
          .
        </p>
        <div>
          <label htmlFor={manifestInputId} className="block text-sm font-medium text-slate-800">
            Manifest file (CSV or Excel .xlsx)
          </label>
          <input
            id={manifestInputId}
            type="file"
            accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-describedby="manifest-file-hint"
            onChange={(event) => onManifest(event.currentTarget.files?.[0] ?? null)}
            className="mt-1 block w-full min-w-0 text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium file:text-slate-800"
          />
          <p id="manifest-file-hint" className="mt-1 text-xs text-slate-600">
            {manifest
              ? `Chosen: ${manifest.name}. Choosing another one starts the check again.`
              : "No manifest chosen yet."}
          </p>
          {ignoredHeaders.length > 0 ? (
            <p className="mt-1 text-xs text-slate-600">Columns not used: {ignoredHeaders.join(", ")}.</p>
          ) : null}
        </div>
      </UploadCard>
      <UploadCard headingId="manifest-files-heading" title="2. PDF files" spacing={3}>
        <FileDropZone maxUploadMb={maxUploadMb} onFiles={onFiles} />
        <p className="text-sm text-slate-700">
          {files.length === 0
            ? "No files chosen yet."
            : `${plural(files.length, "file")} chosen (${formatFileSize(total)}). A file chosen again replaces the one of the same name.`}
        </p>
      </UploadCard>
    </div>
  );
}
