"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";

/** "Mark as reviewed" for a doctor; shows the outcome in place. */
export function ReviewButton({
  reportId,
  version,
  action,
}: {
  reportId: string;
  version: number;
  action: (id: string) => Promise<ActionResult>;
}) {
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<ActionResult>({ status: "idle" });
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="secondary"
        className="py-1.5"
        disabled={pending || result.status === "success"}
        onClick={() => startTransition(async () => setResult(await action(reportId)))}
      >
        {result.status === "success" ? "Reviewed" : "Mark as reviewed"}
        <span className="sr-only"> report version {version}</span>
      </Button>
      <span
        aria-live="polite"
        className={result.status === "error" || result.status === "invalid" ? "text-xs text-red-700" : "sr-only"}
      >
        {result.message}
      </span>
    </span>
  );
}
