"use client";

import { FormField } from "@/components/ui/form-field";
import { labResultFlags, type LabResultFlag } from "@/lib/domain";

export const flagFieldId = "upload-flag";

const flagLabels: Record<LabResultFlag, string> = { normal: "Normal", abnormal: "Abnormal", critical: "Critical" };

/** The lab's own flag on the result (normal, abnormal, critical), or not flagged. */
export function FlagField({
  value,
  onChange,
  disabled,
}: {
  value: LabResultFlag | "";
  onChange: (value: LabResultFlag | "") => void;
  disabled?: boolean;
}) {
  return (
    <FormField
      id={flagFieldId}
      label="Lab flag"
      optional
      hint="The lab's own flag on this result. Critical results go to the top of the doctors' inbox."
    >
      {(control) => (
        <select
          {...control}
          value={value}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value as LabResultFlag | "")}
          className="min-h-11 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
        >
          <option value="">Not flagged</option>
          {labResultFlags.map((flag) => (
            <option key={flag} value={flag}>
              {flagLabels[flag]}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}
