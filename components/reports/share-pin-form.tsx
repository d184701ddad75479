import { buttonClasses } from "@/components/ui/button";

/**
 * The PIN form of a shared report's page: a plain form posted to the link's PIN route, so
 * that it works without scripts too.
 */
export function SharePinForm({ action, error }: { action: string; error: string | null }) {
  return (
    <form method="post" action={action} className="space-y-3" noValidate>
      <div>
        <label htmlFor="share-pin" className="mb-1 block text-sm font-medium text-slate-800">
          PIN
        </label>
        <input
          id="share-pin"
          name="pin"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          aria-describedby={error ? "share-pin-error" : undefined}
          aria-invalid={error ? true : undefined}
          className="block w-40 rounded-md border border-slate-400 px-3 py-2 font-mono text-lg tracking-widest"
        />
        {error ? (
          <p id="share-pin-error" role="alert" className="mt-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>
      <button type="submit" className={buttonClasses("primary")}>
        Open the report
      </button>
    </form>
  );
}
