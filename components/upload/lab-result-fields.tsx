"use client";

import { FieldError, FormField } from "@/components/ui/form-field";
import { fieldIds } from "./field-ids";
import { validateField, type DetailField, type FormErrors, type UploadMode } from "./upload-validation";

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

export type LabResultFieldsProps = {
  accessionNumber: string;
  onAccessionNumberChange: (value: string) => void;
  mode: UploadMode;
  onModeChange: (mode: UploadMode) => void;
  notes: string;
  onNotesChange: (value: string) => void;
  errors: FormErrors;
  setFieldError: (field: DetailField, error: string | undefined) => void;
};

/** The batch's accession number, mode and notes, each checked as it is left. */
export function LabResultFields({
  accessionNumber,
  onAccessionNumberChange,
  mode,
  onModeChange,
  notes,
  onNotesChange,
  errors,
  setFieldError,
}: LabResultFieldsProps) {
  return (
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
              onAccessionNumberChange(event.target.value);
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
                    onModeChange(option.value);
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
              onNotesChange(event.target.value);
              if (errors.notes) setFieldError("notes", validateField("notes", event.target.value));
            }}
            onBlur={() => setFieldError("notes", validateField("notes", notes))}
          />
        )}
      </FormField>
    </fieldset>
  );
}
