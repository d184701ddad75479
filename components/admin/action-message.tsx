import type { ActionResult } from "@/lib/errors";

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
