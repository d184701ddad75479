"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";
import { ActionMessage, Field, describedBy, inputClasses } from "./form-bits";

export type LabFormValues = {
  name: string;
  partnerLabId: string;
  turnaroundHours: number;
  defaultUploadMode: "interpret" | "store_only";
  requireTwoFactor: boolean;
  wrongPatientGuard: boolean;
};

export type LabFormProps = {
  /** Present when editing; absent to create. */
  labId?: string;
  values: LabFormValues;
  submitLabel: string;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

export function LabForm({ labId, values, submitLabel, action }: LabFormProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const errors = state.fieldErrors ?? {};
  const p = labId ? `lab-${labId.slice(0, 8)}` : "new-lab";
  return (
    <form action={formAction} className="space-y-4">
      {labId ? <input type="hidden" name="labId" value={labId} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${p}-name`} label="Name" error={errors.name?.[0]}>
          <input
            id={`${p}-name`}
            name="name"
            required
            defaultValue={values.name}
            aria-describedby={describedBy(`${p}-name`, { error: errors.name?.[0] })}
            className={inputClasses}
          />
        </Field>
        <Field
          id={`${p}-partner`}
          label="Partner lab id"
          error={errors.partnerLabId?.[0]}
          hint={
            labId
              ? "Docus echoes this id on every report. Reports already requested keep the old id, so changing it leaves them unmatched until attached by hand."
              : "Sent to Docus with each lab result and echoed on its reports."
          }
        >
          <input
            id={`${p}-partner`}
            name="partnerLabId"
            required
            defaultValue={values.partnerLabId}
            aria-describedby={describedBy(`${p}-partner`, { hint: true, error: errors.partnerLabId?.[0] })}
            className={`${inputClasses} font-mono`}
          />
        </Field>
        <Field id={`${p}-turnaround`} label="Turnaround watchdog (hours)" error={errors.turnaroundHours?.[0]}>
          <input
            id={`${p}-turnaround`}
            name="turnaroundHours"
            type="number"
            min={1}
            max={1440}
            required
            defaultValue={values.turnaroundHours}
            aria-describedby={describedBy(`${p}-turnaround`, { error: errors.turnaroundHours?.[0] })}
            className={inputClasses}
          />
        </Field>
        <Field id={`${p}-mode`} label="Default upload mode">
          <select
            id={`${p}-mode`}
            name="defaultUploadMode"
            defaultValue={values.defaultUploadMode}
            className={inputClasses}
          >
            <option value="interpret">Send for interpretation</option>
            <option value="store_only">Store only</option>
          </select>
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="requireTwoFactor" defaultChecked={values.requireTwoFactor} />
        Require two-factor sign-in for everyone in this lab
      </label>
      <div>
        {/* Unchecked boxes send nothing: "off" first, and "on" after it when checked (the last one counts). */}
        <input type="hidden" name="wrongPatientGuard" value="off" />
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="wrongPatientGuard"
            value="on"
            defaultChecked={values.wrongPatientGuard}
            aria-describedby={`${p}-guard-hint`}
          />
          Wrong-patient check: hold a PDF whose text mentions neither the patient id nor the accession number
        </label>
        <p id={`${p}-guard-hint`} className="mt-1 pl-6 text-xs text-slate-600">
          A held file is sent only after a technician confirms it. Scanned PDFs without text are never held.
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
        <ActionMessage state={state} />
      </div>
    </form>
  );
}
