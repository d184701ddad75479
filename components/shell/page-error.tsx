"use client";

import { Button } from "@/components/ui/button";

/** The error boundary's content: says nothing was lost and offers a retry; never shows the error itself. */
export function PageError({ reset }: { reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6">
      <h1 className="text-lg font-semibold text-red-900">This page could not be loaded</h1>
      <p className="mt-1 text-sm text-red-800">
        Nothing was lost. Try again; if it keeps failing, tell your administrator.
      </p>
      <Button variant="secondary" className="mt-4" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
