"use client";

import { Button } from "@/components/ui/button";
import { InlineActionForm, type FormAction } from "./inline-action-form";

export type InboxSettingsFormProps = {
  labId: string;
  criticalSignOffMinutes: number;
  amberDays: number;
  redDays: number;
  action: FormAction;
};

const inputClasses = "mt-1 block min-h-11 w-28 rounded-md border border-slate-300 px-2 py-1 text-sm";

/** The lab's results-inbox settings: the critical sign-off window and when a waiting report turns amber and red. */
export function InboxSettingsForm({
  labId,
  criticalSignOffMinutes,
  amberDays,
  redDays,
  action,
}: InboxSettingsFormProps) {
  return (
    <InlineActionForm action={action} className="flex flex-wrap items-end gap-4">
      {(_state, pending) => (
        <>
          <input type="hidden" name="labId" value={labId} />
          <div>
            <label htmlFor="inbox-critical-minutes" className="block text-sm font-medium text-slate-800">
              Critical sign-off window (minutes)
            </label>
            <input
              id="inbox-critical-minutes"
              name="criticalSignOffMinutes"
              type="number"
              min={1}
              max={10080}
              required
              defaultValue={criticalSignOffMinutes}
              className={inputClasses}
            />
          </div>
          <div>
            <label htmlFor="inbox-amber-days" className="block text-sm font-medium text-slate-800">
              Amber from (days)
            </label>
            <input
              id="inbox-amber-days"
              name="amberDays"
              type="number"
              min={1}
              max={365}
              required
              defaultValue={amberDays}
              className={inputClasses}
            />
          </div>
          <div>
            <label htmlFor="inbox-red-days" className="block text-sm font-medium text-slate-800">
              Red from (days)
            </label>
            <input
              id="inbox-red-days"
              name="redDays"
              type="number"
              min={1}
              max={365}
              required
              defaultValue={redDays}
              className={inputClasses}
            />
          </div>
          <Button type="submit" variant="secondary" className="min-h-11" disabled={pending}>
            Save inbox settings
          </Button>
        </>
      )}
    </InlineActionForm>
  );
}
