"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";

export type UserActiveToggleProps = {
  userId: string;
  userEmail: string;
  active: boolean;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

export function UserActiveToggle({ userId, userEmail, active, action }: UserActiveToggleProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  return (
    <form action={formAction} className="flex items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="active" value={active ? "false" : "true"} />
      <Button
        type="submit"
        variant={active ? "secondary" : "primary"}
        disabled={pending}
        aria-label={`${active ? "Deactivate" : "Activate"} ${userEmail}`}
      >
        {active ? "Deactivate" : "Activate"}
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
