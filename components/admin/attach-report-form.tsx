"use client";

import { Button } from "@/components/ui/button";
import { InlineActionForm, type FormAction } from "./inline-action-form";

export type AttachReportFormProps = {
  reportId: string;
  candidates: { id: string; label: string }[];
  action: FormAction;
};

export function AttachReportForm({ reportId, candidates, action }: AttachReportFormProps) {
  const selectId = `attach-${reportId}`;
  return (
    <InlineActionForm action={action}>
      {(state, pending) => (
        <>
          <input type="hidden" name="reportId" value={reportId} />
          <label htmlFor={selectId} className="sr-only">
            Lab result to attach this report to
          </label>
          <select
            id={selectId}
            name="labResultId"
            defaultValue=""
            className="max-w-72 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          >
            <option value="" disabled>
              Choose a lab result…
            </option>
            {candidates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
          <Button type="submit" variant="secondary" className="py-1.5" disabled={pending}>
            Attach
          </Button>
          {state.fieldErrors?.overrideReason ? (
            // Shown once the patient ids disagreed: attaching anyway needs a reason, kept in the audit trail.
            <span className="flex w-full flex-wrap items-center gap-2">
              <label htmlFor={`${selectId}-reason`} className="text-xs text-slate-700">
                Reason to attach anyway
              </label>
              <input
                id={`${selectId}-reason`}
                name="overrideReason"
                maxLength={500}
                className="min-w-48 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
              />
            </span>
          ) : null}
        </>
      )}
    </InlineActionForm>
  );
}
