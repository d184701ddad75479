"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";

export type RouteReportFormProps = {
  reportId: string;
  labs: { id: string; label: string }[];
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

/** The operator's choice of the lab a report of an unknown partner lab belongs to. */
export function RouteReportForm({ reportId, labs, action }: RouteReportFormProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const selectId = `route-${reportId}`;
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
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
      <span
        aria-live="polite"
        className={state.status === "success" ? "text-xs text-emerald-700" : "text-xs text-red-700"}
      >
        {state.message}
      </span>
    </form>
  );
}
