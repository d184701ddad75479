"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";
import { ActionMessage } from "./action-message";

export type LabActiveToggleProps = {
  labId: string;
  labName: string;
  active: boolean;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

export function LabActiveToggle({ labId, labName, active, action }: LabActiveToggleProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="labId" value={labId} />
      <input type="hidden" name="active" value={active ? "false" : "true"} />
      <Button type="submit" variant={active ? "secondary" : "primary"} disabled={pending}>
        {active ? "Deactivate" : "Reactivate"}
        <span className="sr-only"> {labName}</span>
      </Button>
      <ActionMessage state={state} />
    </form>
  );
}
