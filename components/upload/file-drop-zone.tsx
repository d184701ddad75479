"use client";

import { useEffect, useRef, useState, type DragEvent } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { fieldIds } from "./field-ids";
import { FieldError } from "@/components/ui/form-field";

export type FileDropZoneProps = {
  maxUploadMb: number;
  error?: string;
  onFiles: (files: File[]) => void;
};

const inputId = "upload-pdf-files";

/** Drop PDFs here or choose them; every file is handed on, and checked by the form. */
export function FileDropZone({ maxUploadMb, error, onFiles }: FileDropZoneProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    // A PDF dropped just beside the zone would otherwise open in the tab and lose the form.
    const keepPage = (event: globalThis.DragEvent) => {
      if (event.defaultPrevented || !event.dataTransfer?.types.includes("Files")) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "none";
    };
    window.addEventListener("dragover", keepPage);
    window.addEventListener("drop", keepPage);
    return () => {
      window.removeEventListener("dragover", keepPage);
      window.removeEventListener("drop", keepPage);
    };
  }, []);

  function onDragOver(event: DragEvent<HTMLDivElement>) {
    if (!event.dataTransfer.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    setDragging(true);
  }

  function onDragLeave(event: DragEvent<HTMLDivElement>) {
    // Moving over a child element also fires dragleave; only leaving the zone itself counts.
    if (event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)) return;
    setDragging(false);
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    onFiles(Array.from(event.dataTransfer.files));
  }

  const hintId = `${inputId}-hint`;
  return (
    <div>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
        PDF files
      </label>
      <div
        onDragOver={onDragOver}
        onDragEnter={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        className={cn(
          "mt-1 flex flex-col items-center gap-3 rounded-md border-2 border-dashed px-4 py-8 text-center text-sm",
          dragging ? "border-brand-600 bg-brand-50" : error ? "border-red-600 bg-white" : "border-slate-300 bg-white",
        )}
      >
        <p className="text-slate-700">{dragging ? "Drop the files to add them." : "Drag PDF files here, or"}</p>
        <Button
          id={fieldIds.files}
          variant="secondary"
          onClick={() => inputRef.current?.click()}
          aria-describedby={error ? `${hintId} ${inputId}-error` : hintId}
        >
          Choose PDF files
        </Button>
        <p id={hintId} className="text-xs text-slate-600">
          PDF only, up to {maxUploadMb} MB each. Each file is checked here before anything is sent.
        </p>
        {/* The real file input: labelled "PDF files", operated through the button above. */}
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          multiple
          accept="application/pdf,.pdf"
          tabIndex={-1}
          className="sr-only"
          aria-describedby={hintId}
          onChange={(event) => {
            const files = Array.from(event.currentTarget.files ?? []);
            // Clearing the input lets the same file be chosen again after it was removed.
            event.currentTarget.value = "";
            onFiles(files);
          }}
        />
      </div>
      <FieldError id={inputId} error={error} />
    </div>
  );
}
