"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { labRoles, type LabRole } from "@/lib/domain";
import type { ActionResult } from "@/lib/errors";
import { ActionMessage } from "./action-message";

export type PersonEditFormProps = {
  userId: string;
  /** The labs the actor administers, with the person's role in each (null: not a member). */
  labs: { id: string; name: string; role: LabRole | null }[];
  /** Present for an operator: the person's platform operator flag, which only an operator changes. */
  isOperator?: boolean;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

/** The person's role per lab (one select named `role:<labId>` each; empty = not a member). */
export function PersonEditForm({ userId, labs, isOperator, action }: PersonEditFormProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  return (
    <form action={formAction} className="space-y-4">
      <input type="hidden" name="userId" value={userId} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Role in each lab you administer</legend>
        <div className="mt-1 grid max-w-lg gap-2">
          {labs.map((lab) => (
            <label key={lab.id} className="flex items-center justify-between gap-4 text-sm">
              <span>{lab.name}</span>
              <select
                name={`role:${lab.id}`}
                defaultValue={lab.role ?? ""}
                aria-label={`Role in ${lab.name}`}
                className="rounded border border-slate-300 px-2 py-1 capitalize"
              >
                <option value="">Not a member</option>
                {labRoles.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      </fieldset>
      {isOperator === undefined ? null : (
        <div>
          {/* Unchecked boxes send nothing: "off" first, and "on" after it when checked (the last one counts). */}
          <input type="hidden" name="operator" value="off" />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="operator" value="on" defaultChecked={isOperator} />
            Platform operator (administers every lab)
          </label>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          Save roles and labs
        </Button>
        <ActionMessage state={state} />
      </div>
    </form>
  );
}
