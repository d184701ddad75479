"use client";

import { useId } from "react";
import { InlineActionForm, type FormAction } from "@/components/admin/inline-action-form";
import { Button } from "@/components/ui/button";
import { labResultFlags, type LabResultFlag } from "@/lib/domain";
import { flagLabels } from "./flag-badge";

/** Changes the lab's flag on a lab result (technicians and admins). */
export function FlagForm({
  labResultId,
  flag,
  action,
}: {
  labResultId: string;
  flag: LabResultFlag | null;
  action: FormAction;
}) {
  const id = useId();
  return (
    <InlineActionForm action={action}>
      {(_state, pending) => (
        <>
          <input type="hidden" name="labResultId" value={labResultId} />
          <label htmlFor={id} className="sr-only">
            Lab flag
          </label>
          <select
            id={id}
            name="flag"
            defaultValue={flag ?? ""}
            className="min-h-11 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
          >
            <option value="">Not flagged</option>
            {labResultFlags.map((f) => (
              <option key={f} value={f}>
                {flagLabels[f]}
              </option>
            ))}
          </select>
          <Button type="submit" variant="secondary" disabled={pending}>
            Change flag
          </Button>
        </>
      )}
    </InlineActionForm>
  );
}
