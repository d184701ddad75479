/**
 * On a report whose wrong-patient text check has not run yet: it is not shown as checked
 * until the check has passed (the check is a job that runs shortly after the delivery).
 */
export function TextCheckPending({ compact = false }: { compact?: boolean }) {
  return (
    <div
      role="status"
      data-testid="text-check-pending"
      className={
        compact
          ? "mt-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          : "mb-4 rounded-lg border-2 border-amber-300 bg-amber-50 p-4 text-sm text-amber-900"
      }
    >
      <p className="font-semibold">Text check pending</p>
      <p className="mt-0.5">
        This report&apos;s text has not yet been checked for another patient&apos;s id. Reload the page in a moment
        before relying on it.
      </p>
    </div>
  );
}
