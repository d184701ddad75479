"use client";

import { useState, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export type SideBySideProps = {
  original: { label: string; content: ReactNode };
  report: { label: string; content: ReactNode };
};

/**
 * Two documents side by side on wide screens; on narrow screens one at a time, chosen
 * with a pair of toggle buttons. Both stay mounted, so switching keeps each one's page and zoom.
 */
export function SideBySide({ original, report }: SideBySideProps) {
  const [shown, setShown] = useState<"original" | "report">("report");
  const panes = [
    { key: "original" as const, ...original },
    { key: "report" as const, ...report },
  ];
  return (
    <div>
      <div
        role="group"
        aria-label="Document to show"
        className="mb-3 inline-flex rounded-md border border-slate-300 bg-white p-0.5 lg:hidden"
      >
        {panes.map((pane) => (
          <button
            key={pane.key}
            type="button"
            aria-pressed={shown === pane.key}
            onClick={() => setShown(pane.key)}
            className={cn(
              "rounded px-3 py-1.5 text-sm font-medium transition-colors motion-reduce:transition-none",
              shown === pane.key ? "bg-brand-600 text-white" : "text-slate-700 hover:bg-slate-100",
            )}
          >
            {pane.label}
          </button>
        ))}
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        {panes.map((pane) => (
          <div key={pane.key} className={cn("min-w-0", shown === pane.key ? "block" : "hidden lg:block")}>
            {pane.content}
          </div>
        ))}
      </div>
    </div>
  );
}
