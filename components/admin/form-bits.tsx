import type { ReactNode } from "react";
import type { ActionResult } from "@/lib/errors";

export const inputClasses = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm";

/** A labelled field with its error, tied together for screen readers. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The polite live region that reads an action's outcome aloud. */
export function ActionMessage({ state }: { state: ActionResult }) {
  return (
    <p
      aria-live="polite"
      role="status"
      className={state.status === "success" ? "text-sm text-emerald-800" : "text-sm text-red-700"}
    >
      {state.message}
    </p>
  );
}

/** `aria-describedby` for a field that may carry a hint and an error. */
export function describedBy(id: string, opts: { hint?: boolean; error?: string }): string | undefined {
  const ids = [opts.hint ? `${id}-hint` : null, opts.error ? `${id}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}
