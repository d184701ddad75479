"use client";

import { Button } from "@/components/ui/button";
import { InlineActionForm, type FormAction } from "./inline-action-form";

export type RouteReportFormProps = {
  reportId: string;
  labs: { id: string; label: string }[];
  action: FormAction;
};

/** The operator's choice of the lab a report of an unknown partner lab belongs to. */
export function RouteReportForm({ reportId, labs, action }: RouteReportFormProps) {
  const selectId = `route-${reportId}`;
  return (
    <InlineActionForm action={action}>
      {(_state, pending) => (
        <>
          <input type="hidden" name="reportId" value={reportId} />
          <label htmlFor={selectId} className="sr-only">
            Lab to hand this report to
          </label>
          <select
            id={selectId}
            name="labId"
            defaultValue=""
            className="max-w-64 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          >
            <option value="" disabled>
              Choose a lab…
            </option>
            {labs.map((lab) => (
              <option key={lab.id} value={lab.id}>
                {lab.label}
              </option>
            ))}
          </select>
          <Button type="submit" variant="secondary" className="py-1.5" disabled={pending}>
            Hand to lab
          </Button>
        </>
      )}
    </InlineActionForm>
  );
}
