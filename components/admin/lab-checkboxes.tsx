/** The labs a person belongs to, one checkbox each (named labIds), under a legend. */
export function LabCheckboxes({
  legend,
  labs,
  error,
}: {
  legend: string;
  labs: { id: string; name: string; checked: boolean }[];
  error?: string;
}) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {labs.map((lab) => (
          <label key={lab.id} className="inline-flex items-center gap-2 text-sm">
            <input type="checkbox" name="labIds" value={lab.id} defaultChecked={lab.checked} />
            {lab.name}
          </label>
        ))}
      </div>
      {error ? <p className="mt-1 text-sm text-red-700">{error}</p> : null}
    </fieldset>
  );
}
