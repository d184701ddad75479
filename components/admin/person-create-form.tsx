"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { UserRole } from "@/lib/domain";
import type { ActionResult } from "@/lib/errors";
import { FormField } from "@/components/ui/form-field";
import { ActionMessage } from "./action-message";
import { LabCheckboxes } from "./lab-checkboxes";
import { OneTimeLink } from "./one-time-link";
import { RoleField } from "./role-field";

type LinkResult = ActionResult & { link?: string };

export type PersonCreateFormProps = {
  roles: UserRole[];
  labs: { id: string; name: string }[];
  action: (state: LinkResult, formData: FormData) => Promise<LinkResult>;
};

export function PersonCreateForm({ roles, labs, action }: PersonCreateFormProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="grid gap-4 sm:grid-cols-3">
        <FormField id="person-name" label="Name" error={errors.name?.[0]}>
          {(control) => <input {...control} name="name" required autoComplete="off" />}
        </FormField>
        <FormField id="person-email" label="Email" error={errors.email?.[0]}>
          {(control) => <input {...control} name="email" type="email" required autoComplete="off" />}
        </FormField>
        <RoleField
          id="person-role"
          roles={roles}
          defaultValue={roles.includes("technician") ? "technician" : roles[0]}
          error={errors.role?.[0]}
          optionClassName="capitalize"
        />
      </div>
      <LabCheckboxes
        legend="Labs (the role applies in each lab chosen; an operator belongs to none)"
        labs={labs.map((lab) => ({ id: lab.id, name: lab.name, checked: labs.length === 1 }))}
        error={errors.labIds?.[0]}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create person"}
        </Button>
        <ActionMessage state={state} />
      </div>
      {state.link ? <OneTimeLink link={state.link} label="Set-password link" /> : null}
    </form>
  );
}
