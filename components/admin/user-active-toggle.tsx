"use client";

import { Button } from "@/components/ui/button";
import { InlineActionForm, type FormAction } from "./inline-action-form";

export type UserActiveToggleProps = {
  userId: string;
  userEmail: string;
  active: boolean;
  action: FormAction;
};

export function UserActiveToggle({ userId, userEmail, active, action }: UserActiveToggleProps) {
  return (
    <InlineActionForm action={action} className="flex items-center gap-2">
      {(_state, pending) => (
        <>
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
        </>
      )}
    </InlineActionForm>
  );
}
