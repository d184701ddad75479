"use client";

import { useState, type KeyboardEvent } from "react";
import { flushSync } from "react-dom";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { patientSexes } from "@/lib/domain";
import { fieldIds, patientChangeButtonId } from "./field-ids";
import { FieldError, FieldHint, FormField, controlClasses, describedBy } from "@/components/ui/form-field";
import { describePatient } from "./format";
import type { PatientSummary } from "./upload-model";
import type { FormErrors, NewPatientDraft, NewPatientField, PatientMode } from "./upload-validation";
import { MIN_SEARCH_LENGTH, usePatientSearch } from "./use-patient-search";

export type PatientPickerProps = {
  mode: PatientMode;
  onModeChange: (mode: PatientMode) => void;
  selected: PatientSummary | null;
  onSelect: (patient: PatientSummary | null) => void;
  newPatient: NewPatientDraft;
  onNewPatientChange: (field: NewPatientField, value: string) => void;
  onNewPatientBlur: (field: NewPatientField) => void;
  errors: FormErrors;
  disabled: boolean;
};

const sexLabels: Record<(typeof patientSexes)[number], string> = {
  female: "Female",
  male: "Male",
  other: "Other",
  unknown: "Unknown",
};

function focusById(id: string) {
  document.getElementById(id)?.focus();
}

/** Find an existing patient of the lab, or enter a new one. */
export function PatientPicker(props: PatientPickerProps) {
  const { mode, onModeChange, disabled } = props;

  function switchTo(next: PatientMode) {
    flushSync(() => onModeChange(next));
    focusById(next === "new" ? fieldIds.patientId : props.selected ? patientChangeButtonId : fieldIds.patientRef);
  }

  return (
    <fieldset className="space-y-3">
      <legend className="text-base font-semibold text-slate-900">Patient</legend>
      {mode === "existing" ? <ExistingPatient {...props} /> : <NewPatientFields {...props} />}
      {mode === "existing" ? (
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
          Not registered yet?
          <Button variant="secondary" onClick={() => switchTo("new")} disabled={disabled} className="px-3 py-1.5">
            New patient
          </Button>
        </p>
      ) : (
        <Button variant="secondary" onClick={() => switchTo("existing")} disabled={disabled} className="px-3 py-1.5">
          Find an existing patient instead
        </Button>
      )}
    </fieldset>
  );
}

function ExistingPatient({ selected, onSelect, errors, disabled }: PatientPickerProps) {
  if (selected) {
    const { name, details } = describePatient(selected);
    function change() {
      flushSync(() => onSelect(null));
      focusById(fieldIds.patientRef);
    }
    return (
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-brand-100 bg-brand-50 px-3 py-2">
        <div className="text-sm">
          <p className="text-xs font-medium uppercase tracking-wide text-brand-800">Selected patient</p>
          <p className="font-medium text-slate-900">{name}</p>
          <p className="text-slate-600">{details}</p>
        </div>
        <Button
          id={patientChangeButtonId}
          variant="secondary"
          onClick={change}
          disabled={disabled}
          aria-describedby={errors.patientRef ? `${fieldIds.patientRef}-error` : undefined}
          className="px-3 py-1.5"
        >
          Change<span className="sr-only"> patient</span>
        </Button>
        {errors.patientRef ? (
          <div className="basis-full">
            <FieldError id={fieldIds.patientRef} error={errors.patientRef} />
          </div>
        ) : null}
      </div>
    );
  }
  return <PatientSearchBox onSelect={onSelect} error={errors.patientRef} disabled={disabled} />;
}

const listboxId = "upload-patient-results";

function PatientSearchBox({
  onSelect,
  error,
  disabled,
}: {
  onSelect: (patient: PatientSummary) => void;
  error: string | undefined;
  disabled: boolean;
}) {
  const inputId = fieldIds.patientRef;
  const [term, setTerm] = useState("");
  const [open, setOpen] = useState(true);
  const [activeIndex, setActiveIndex] = useState(-1);
  const search = usePatientSearch(term);

  const patients = search.state === "done" || search.state === "searching" ? search.patients : [];
  const expanded = open && patients.length > 0;
  const active = expanded && activeIndex < patients.length ? activeIndex : -1;
  const activePatient = active >= 0 ? patients[active] : undefined;
  const optionId = (patient: PatientSummary) => `${listboxId}-${patient.id}`;

  function choose(patient: PatientSummary) {
    flushSync(() => onSelect(patient));
    focusById(patientChangeButtonId);
  }

  function moveTo(index: number) {
    const patient = patients[index];
    if (!patient) return;
    setOpen(true);
    setActiveIndex(index);
    document.getElementById(optionId(patient))?.scrollIntoView({ block: "nearest" });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const last = patients.length - 1;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        moveTo(!expanded || active >= last ? 0 : active + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        moveTo(!expanded || active <= 0 ? last : active - 1);
        break;
      case "Enter":
        // Enter chooses the highlighted patient; it never submits the whole form from here.
        event.preventDefault();
        if (activePatient) choose(activePatient);
        break;
      case "Escape":
        if (expanded) {
          event.preventDefault();
          setOpen(false);
          setActiveIndex(-1);
        } else if (term) {
          event.preventDefault();
          setTerm("");
        }
        break;
    }
  }

  return (
    <div>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
        Find patient
      </label>
      <input
        id={inputId}
        type="search"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        maxLength={100}
        value={term}
        disabled={disabled}
        onChange={(event) => {
          setTerm(event.target.value);
          setOpen(true);
          setActiveIndex(-1);
        }}
        onKeyDown={onKeyDown}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listboxId}
        aria-activedescendant={activePatient ? optionId(activePatient) : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, true, error)}
        className={controlClasses(Boolean(error))}
      />
      <FieldHint
        id={inputId}
        hint={`Type at least ${MIN_SEARCH_LENGTH} characters of the name or the patient id, then choose with the arrow keys and Enter.`}
      />
      <FieldError id={inputId} error={error} />
      <p role="status" className={cn("mt-1 text-sm", search.state === "error" ? "text-red-700" : "text-slate-600")}>
        {search.state === "searching"
          ? "Searching…"
          : search.state === "error"
            ? search.message
            : search.state === "done"
              ? search.patients.length === 0
                ? `No patient matches “${search.term}”. Check the spelling, or create a new patient.`
                : `${search.patients.length === 1 ? "1 patient" : `${search.patients.length} patients`} found.`
              : null}
      </p>
      <ul
        id={listboxId}
        role="listbox"
        aria-label="Matching patients"
        hidden={!expanded}
        className={cn(
          "mt-2 max-h-64 overflow-y-auto rounded-md border border-slate-200 bg-white text-sm shadow-sm",
          search.state === "searching" && "opacity-70",
        )}
      >
        {patients.map((patient, index) => {
          const { name, details } = describePatient(patient);
          return (
            <li
              key={patient.id}
              id={optionId(patient)}
              role="option"
              aria-selected={index === active}
              // Keeps the focus in the search box, so the click below chooses the patient.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(patient)}
              className={cn(
                "cursor-pointer border-b border-slate-100 px-3 py-2 last:border-b-0 hover:bg-slate-50",
                index === active && "bg-brand-50 outline-2 -outline-offset-2 outline-brand-600",
              )}
            >
              <span className="font-medium text-slate-900">{name}</span>
              <span className="text-slate-600"> · {details}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const newPatientFields: Array<{
  field: Exclude<NewPatientField, "sex">;
  label: string;
  type: "text" | "date";
  autoComplete: string;
}> = [
  { field: "patientId", label: "Patient id", type: "text", autoComplete: "off" },
  { field: "givenName", label: "Given name", type: "text", autoComplete: "off" },
  { field: "familyName", label: "Family name", type: "text", autoComplete: "off" },
  { field: "birthDate", label: "Birth date", type: "date", autoComplete: "off" },
];

function NewPatientFields({ newPatient, onNewPatientChange, onNewPatientBlur, errors, disabled }: PatientPickerProps) {
  return (
    <div id="upload-new-patient" className="grid gap-4 sm:grid-cols-2">
      <p className="text-sm text-slate-600 sm:col-span-2">The patient is created with the first file sent.</p>
      {newPatientFields.map(({ field, label, type, autoComplete }) => {
        const id = fieldIds[field];
        const error = errors[field];
        return (
          <FormField
            key={field}
            id={id}
            label={label}
            error={error}
            hint={field === "patientId" ? "Your lab's own patient identifier." : undefined}
          >
            {(control) => (
              <input
                {...control}
                type={type}
                autoComplete={autoComplete}
                spellCheck={false}
                value={newPatient[field]}
                disabled={disabled}
                onChange={(event) => onNewPatientChange(field, event.target.value)}
                onBlur={() => onNewPatientBlur(field)}
              />
            )}
          </FormField>
        );
      })}
      <FormField id={fieldIds.sex} label="Sex" error={errors.sex}>
        {(control) => (
          <select
            {...control}
            value={newPatient.sex}
            disabled={disabled}
            onChange={(event) => onNewPatientChange("sex", event.target.value)}
            onBlur={() => onNewPatientBlur("sex")}
          >
            <option value="">Choose…</option>
            {patientSexes.map((sex) => (
              <option key={sex} value={sex}>
                {sexLabels[sex]}
              </option>
            ))}
          </select>
        )}
      </FormField>
    </div>
  );
}
