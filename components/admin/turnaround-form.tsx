"use client";

import { Button } from "@/components/ui/button";
import { InlineActionForm, type FormAction } from "./inline-action-form";

export type TurnaroundFormProps = {
  labId: string;
  labName: string;
  hours: number;
  action: FormAction;
};

export function TurnaroundForm({ labId, labName, hours, action }: TurnaroundFormProps) {
  const inputId = `turnaround-${labId}`;
  return (
    <InlineActionForm action={action}>
      {(_state, pending) => (
        <>
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
        </>
      )}
    </InlineActionForm>
  );
}
