"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";

export type HeldActionsProps = {
  labResultId: string;
  confirm: (id: string) => Promise<ActionResult>;
  remove: (id: string) => Promise<ActionResult>;
};

/** "Confirm and send" or "Remove" for a lab result the wrong-patient guard held. */
export function HeldActions({ labResultId, confirm, remove }: HeldActionsProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<ActionResult>({ status: "idle" });
  const [removing, setRemoving] = useState(false);

  function run(action: (id: string) => Promise<ActionResult>) {
    startTransition(async () => {
      const outcome = await action(labResultId);
      setResult(outcome);
      if (outcome.status === "success") router.refresh();
    });
  }

  const done = result.status === "success";
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <Button disabled={pending || done} onClick={() => run(confirm)}>
          Confirm and send
        </Button>
        {removing ? (
          <>
            <Button variant="danger" disabled={pending || done} onClick={() => run(remove)}>
              Remove it, do not send
            </Button>
            <Button variant="ghost" disabled={pending || done} onClick={() => setRemoving(false)}>
              Keep it
            </Button>
          </>
        ) : (
          <Button variant="secondary" disabled={pending || done} onClick={() => setRemoving(true)}>
            Remove
          </Button>
        )}
      </div>
      <p
        aria-live="polite"
        className={
          result.status === "error" || result.status === "invalid" ? "text-sm text-red-700" : "text-sm text-slate-700"
        }
      >
        {result.message}
      </p>
    </div>
  );
}
