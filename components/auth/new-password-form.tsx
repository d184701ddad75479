"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { MIN_PASSWORD_LENGTH } from "@/lib/account/password-policy";
import type { ActionResult } from "@/lib/errors";

export type NewPasswordFormProps = {
  /** Hidden fields sent with the form (the set-password token). */
  hidden?: Record<string, string>;
  /** Ask for the current password too (a signed-in person's own change). */
  askCurrent?: boolean;
  submitLabel: string;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

/** A new password typed twice; the server judges its strength and says how to do better. */
export function NewPasswordForm({ hidden = {}, askCurrent = false, submitLabel, action }: NewPasswordFormProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const errors = state.fieldErrors ?? {};
  const error = (name: string) => errors[name]?.[0];
  return (
    <form action={formAction} className="space-y-4">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {askCurrent ? (
        <FormField id="current-password" label="Current password" error={error("currentPassword")}>
          {(control) => (
            <input {...control} name="currentPassword" type="password" autoComplete="current-password" required />
          )}
        </FormField>
      ) : null}
      <FormField
        id="new-password"
        label="New password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters and hard to guess: a few unrelated words work well.`}
        error={error("password")}
      >
        {(control) => (
          <input
            {...control}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
          />
        )}
      </FormField>
      <FormField id="confirm-password" label="New password again" error={error("confirm")}>
        {(control) => <input {...control} name="confirm" type="password" autoComplete="new-password" required />}
      </FormField>
      <p
        role="status"
        aria-live="polite"
        className={state.status === "success" ? "text-sm text-emerald-800" : "text-sm text-red-700"}
      >
        {state.status === "invalid" && error("password") ? "" : state.message}
      </p>
      <Button type="submit" disabled={pending}>
        {submitLabel}
      </Button>
    </form>
  );
}
