"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { MIN_PASSWORD_LENGTH } from "@/lib/password-policy";
import type { ActionResult } from "@/lib/errors";

export type NewPasswordFormProps = {
  /** Hidden fields sent with the form (the set-password token). */
  hidden?: Record<string, string>;
  /** Ask for the current password too (a signed-in person's own change). */
  askCurrent?: boolean;
  submitLabel: string;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

const inputClasses = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm";

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
        <div>
          <label htmlFor="current-password" className="block text-sm font-medium text-slate-800">
            Current password
          </label>
          <input
            id="current-password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={error("currentPassword") ? true : undefined}
            aria-describedby={error("currentPassword") ? "current-password-error" : undefined}
            className={inputClasses}
          />
          {error("currentPassword") ? (
            <p id="current-password-error" className="mt-1 text-sm text-red-700">
              {error("currentPassword")}
            </p>
          ) : null}
        </div>
      ) : null}
      <div>
        <label htmlFor="new-password" className="block text-sm font-medium text-slate-800">
          New password
        </label>
        <input
          id="new-password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          aria-invalid={error("password") ? true : undefined}
          aria-describedby={`new-password-hint${error("password") ? " new-password-error" : ""}`}
          className={inputClasses}
        />
        <p id="new-password-hint" className="mt-1 text-xs text-slate-600">
          At least {MIN_PASSWORD_LENGTH} characters and hard to guess: a few unrelated words work well.
        </p>
        {error("password") ? (
          <p id="new-password-error" className="mt-1 text-sm text-red-700">
            {error("password")}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="confirm-password" className="block text-sm font-medium text-slate-800">
          New password again
        </label>
        <input
          id="confirm-password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={error("confirm") ? true : undefined}
          aria-describedby={error("confirm") ? "confirm-password-error" : undefined}
          className={inputClasses}
        />
        {error("confirm") ? (
          <p id="confirm-password-error" className="mt-1 text-sm text-red-700">
            {error("confirm")}
          </p>
        ) : null}
      </div>
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
