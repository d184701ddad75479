"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";
import { FormField } from "@/components/ui/form-field";
import { ActionMessage } from "./action-message";

export type LabFormValues = {
  name: string;
  partnerLabId: string;
  turnaroundHours: number;
  defaultUploadMode: "interpret" | "store_only";
  requireTwoFactor: boolean;
  wrongPatientGuard: boolean;
  shareLinksPhysicians: boolean;
  shareLinksPatients: boolean;
};

export type LabFormProps = {
  /** Present when editing; absent to create. */
  labId?: string;
  values: LabFormValues;
  submitLabel: string;
  /** Shown but not sent (only an operator changes a lab's partner lab id). */
  partnerLabIdReadOnly?: boolean;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

export function LabForm({ labId, values, submitLabel, partnerLabIdReadOnly = false, action }: LabFormProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const errors = state.fieldErrors ?? {};
  const p = labId ? `lab-${labId.slice(0, 8)}` : "new-lab";
  return (
    <form action={formAction} className="space-y-4">
      {labId ? <input type="hidden" name="labId" value={labId} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField id={`${p}-name`} label="Name" error={errors.name?.[0]}>
          {(control) => <input {...control} name="name" required defaultValue={values.name} />}
        </FormField>
        {partnerLabIdReadOnly ? (
          <FormField
            id={`${p}-partner`}
            label="Partner lab id"
            controlClassName="font-mono"
            hint="Docus echoes this id on every report. Only an operator changes it."
          >
            {(control) => <input {...control} readOnly disabled value={values.partnerLabId || "—"} />}
          </FormField>
        ) : (
          <FormField
            id={`${p}-partner`}
            label="Partner lab id"
            error={errors.partnerLabId?.[0]}
            controlClassName="font-mono"
            hint={
              labId
                ? "Docus echoes this id on every report. Reports already requested keep the old id, so changing it leaves them unmatched until attached by hand."
                : "Sent to Docus with each lab result and echoed on its reports."
            }
          >
            {(control) => <input {...control} name="partnerLabId" required defaultValue={values.partnerLabId} />}
          </FormField>
        )}
        <FormField id={`${p}-turnaround`} label="Turnaround watchdog (hours)" error={errors.turnaroundHours?.[0]}>
          {(control) => (
            <input
              {...control}
              name="turnaroundHours"
              type="number"
              min={1}
              max={1440}
              required
              defaultValue={values.turnaroundHours}
            />
          )}
        </FormField>
        <FormField id={`${p}-mode`} label="Default upload mode">
          {(control) => (
            <select {...control} name="defaultUploadMode" defaultValue={values.defaultUploadMode}>
              <option value="interpret">Send for interpretation</option>
              <option value="store_only">Store only</option>
            </select>
          )}
        </FormField>
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
          Wrong-patient check: hold a PDF whose text does not identify this patient
        </label>
        <p id={`${p}-guard-hint`} className="mt-1 pl-6 text-xs text-slate-600">
          It looks for the patient id, or the family name with the birth date; another patient&apos;s id in the text
          holds it too. A held file is sent only after a technician confirms it. Scanned PDFs without text are never
          held.
        </p>
      </div>
      <fieldset>
        <legend className="text-sm font-medium">Share links to a report</legend>
        <p id={`${p}-share-hint`} className="mt-1 text-xs text-slate-600">
          Doctors and admins can make a link with a PIN to one report version, valid up to 30 days. Turning a kind off
          also stops the links of that kind already made.
        </p>
        <input type="hidden" name="shareLinksPhysicians" value="off" />
        <label className="mt-1 flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="shareLinksPhysicians"
            value="on"
            defaultChecked={values.shareLinksPhysicians}
            aria-describedby={`${p}-share-hint`}
          />
          For outside physicians
        </label>
        <input type="hidden" name="shareLinksPatients" value="off" />
        <label className="mt-1 flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="shareLinksPatients"
            value="on"
            defaultChecked={values.shareLinksPatients}
            aria-describedby={`${p}-share-hint`}
          />
          For patients
        </label>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
        <ActionMessage state={state} />
      </div>
    </form>
  );
}
