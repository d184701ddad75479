"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";

export type TurnaroundFormProps = {
  labId: string;
  labName: string;
  hours: number;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

export function TurnaroundForm({ labId, labName, hours, action }: TurnaroundFormProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const inputId = `turnaround-${labId}`;
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="labId" value={labId} />
      <label htmlFor={inputId} className="sr-only">
        Turnaround watchdog for {labName}, in hours
      </label>
      <input
        id={inputId}
        name="hours"
        type="number"
        min={1}
        max={1440}
        defaultValue={hours}
        className="w-20 rounded-md border border-slate-300 px-2 py-1 text-sm"
      />
      <span className="text-sm text-slate-600">hours</span>
      <Button type="submit" variant="secondary" className="px-2 py-1" disabled={pending}>
        Save<span className="sr-only"> turnaround for {labName}</span>
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
