"use client";

import { useActionState, type ReactNode } from "react";
import type { ActionResult } from "@/lib/errors";

/** A server action bound to a form through useActionState. */
export type FormAction = (state: ActionResult, formData: FormData) => Promise<ActionResult>;

export type InlineActionFormProps = {
  action: FormAction;
  className?: string;
  /** The form's fields and button; they get the action's last outcome and whether it is running. */
  children: (state: ActionResult, pending: boolean) => ReactNode;
};

/**
 * The one-line admin form (a few fields, a button) that runs a server action and reads its outcome aloud in a
 * small polite live region after the button.
 */
export function InlineActionForm({
  action,
  className = "flex flex-wrap items-center gap-2",
  children,
}: InlineActionFormProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  return (
    <form action={formAction} className={className}>
      {children(state, pending)}
      <span
        aria-live="polite"
        className={state.status === "success" ? "text-xs text-emerald-700" : "text-xs text-red-700"}
      >
        {state.message}
      </span>
    </form>
  );
}
