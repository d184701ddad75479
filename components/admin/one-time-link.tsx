"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** A set-password link shown once, with a copy button. */
export function OneTimeLink({ link, label }: { link: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3">
      <label htmlFor="one-time-link" className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      <div className="mt-1 flex flex-wrap gap-2">
        <input
          id="one-time-link"
          readOnly
          value={link}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs"
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button
          variant="secondary"
          className="px-2 py-1"
          onClick={async () => {
            await navigator.clipboard?.writeText(link).catch(() => undefined);
            setCopied(true);
          }}
        >
          Copy link
        </Button>
      </div>
      <p aria-live="polite" className="mt-1 text-xs text-slate-700">
        {copied ? "Copied." : "It will not be shown again."}
      </p>
    </div>
  );
}
