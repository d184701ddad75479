"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { UserRole } from "@/lib/domain";
import type { ActionResult } from "@/lib/errors";
import { ActionMessage } from "./action-message";
import { LabCheckboxes } from "./lab-checkboxes";
import { RoleField } from "./role-field";

export type PersonEditFormProps = {
  userId: string;
  role: UserRole;
  roles: UserRole[];
  /** The labs the actor administers, with whether the person belongs to each. */
  labs: { id: string; name: string; member: boolean }[];
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

export function PersonEditForm({ userId, role, roles, labs, action }: PersonEditFormProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  return (
    <form action={formAction} className="space-y-4">
      <input type="hidden" name="userId" value={userId} />
      <div className="max-w-xs">
        <RoleField id="edit-role" roles={[...new Set([role, ...roles])]} defaultValue={role} />
      </div>
      <LabCheckboxes
        legend="Labs you administer"
        labs={labs.map((lab) => ({ id: lab.id, name: lab.name, checked: lab.member }))}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          Save role and labs
        </Button>
        <ActionMessage state={state} />
      </div>
    </form>
  );
}
