/** The "From" and "To" date inputs of a GET filter form (their values live in the URL). */
export function DateRangeFields({ from, to }: { from?: string; to?: string }) {
  return (
    <>
      {[
        { name: "from", label: "From", value: from },
        { name: "to", label: "To", value: to },
      ].map((field) => (
        <div key={field.name}>
          <label htmlFor={field.name} className="block text-xs font-medium text-slate-700">
            {field.label}
          </label>
          <input
            id={field.name}
            name={field.name}
            type="date"
            defaultValue={field.value ?? ""}
            className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
          />
        </div>
      ))}
    </>
  );
}
