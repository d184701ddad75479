"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";
import { ActionMessage } from "./action-message";

export type TwoFactorResetButtonProps = {
  userId: string;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
};

export function TwoFactorResetButton({ userId, action }: TwoFactorResetButtonProps) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="userId" value={userId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        Reset two-factor sign-in
      </Button>
      <ActionMessage state={state} />
    </form>
  );
}
