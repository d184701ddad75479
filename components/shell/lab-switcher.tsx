"use client";

import { useActionState, useRef } from "react";
import type { ActionResult } from "@/lib/errors";

export type LabSwitcherProps = {
  labs: { id: string; name: string }[];
  currentLabId: string;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

/** Choose the lab to work in; submits on change, and has a button for use without JavaScript. */
export function LabSwitcher({ labs, currentLabId, action }: LabSwitcherProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const formRef = useRef<HTMLFormElement>(null);
  return (
    <form ref={formRef} action={formAction} className="flex items-center gap-2">
      <label htmlFor="lab-switcher" className="text-sm text-slate-600">
        Lab
      </label>
      <select
        id="lab-switcher"
        name="labId"
        defaultValue={currentLabId}
        disabled={pending}
        onChange={() => formRef.current?.requestSubmit()}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm max-lg:min-h-11"
      >
        {labs.map((lab) => (
          <option key={lab.id} value={lab.id}>
            {lab.name}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 text-sm">
          Switch
        </button>
      </noscript>
      <span aria-live="polite" className="text-xs text-red-700">
        {state.status === "error" || state.status === "invalid" ? state.message : null}
      </span>
    </form>
  );
}
