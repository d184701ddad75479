"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";
import { ActionMessage } from "./action-message";
import { OneTimeLink } from "./one-time-link";

type LinkResult = ActionResult & { link?: string };

export type PasswordResetButtonProps = {
  userId: string;
  action: (state: LinkResult, formData: FormData) => Promise<LinkResult>;
};

/** Resets a person's password and shows their new set-password link once. */
export function PasswordResetButton({ userId, action }: PasswordResetButtonProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  return (
    <form action={formAction}>
      <input type="hidden" name="userId" value={userId} />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending}>
          Reset password and make a set-password link
        </Button>
        <ActionMessage state={state} />
      </div>
      {state.link ? <OneTimeLink link={state.link} label="New set-password link" /> : null}
    </form>
  );
}
