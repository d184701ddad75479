"use client";

import { useActionState } from "react";
import { ActionMessage } from "@/components/admin/action-message";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import type { ActionResult } from "@/lib/errors";

export type Hl7SettingsValues = {
  hl7SendingApplication: string;
  hl7SendingFacility: string;
  hl7FeedEnabled: boolean;
  hl7FeedHost: string;
  hl7FeedPort: string;
};

/** The lab's HL7 settings: MSH-3/MSH-4 of its messages, and its outbound MLLP feed. */
export function Hl7SettingsForm({
  labId,
  labName,
  values,
  action,
}: {
  labId: string;
  labName: string;
  values: Hl7SettingsValues;
  action: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-4">
      <input type="hidden" name="labId" value={labId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          id="hl7-app"
          label="Sending application (MSH-3)"
          optional
          hint="Empty: LAB-RESULTS-PORTAL."
          error={errors.hl7SendingApplication?.[0]}
          controlClassName="font-mono"
        >
          {(control) => <input {...control} name="hl7SendingApplication" defaultValue={values.hl7SendingApplication} />}
        </FormField>
        <FormField
          id="hl7-facility"
          label="Sending facility (MSH-4)"
          optional
          hint={`Empty: the lab's name (${labName}).`}
          error={errors.hl7SendingFacility?.[0]}
          controlClassName="font-mono"
        >
          {(control) => <input {...control} name="hl7SendingFacility" defaultValue={values.hl7SendingFacility} />}
        </FormField>
        <FormField
          id="hl7-host"
          label="Feed host (MLLP)"
          optional
          error={errors.hl7FeedHost?.[0]}
          controlClassName="font-mono"
        >
          {(control) => <input {...control} name="hl7FeedHost" defaultValue={values.hl7FeedHost} />}
        </FormField>
        <FormField id="hl7-port" label="Feed port" optional error={errors.hl7FeedPort?.[0]}>
          {(control) => (
            <input
              {...control}
              name="hl7FeedPort"
              type="number"
              min={1}
              max={65535}
              defaultValue={values.hl7FeedPort}
            />
          )}
        </FormField>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="hl7FeedEnabled" defaultChecked={values.hl7FeedEnabled} />
        Send each new interpretation report version to this endpoint as an HL7 v2.5.1 ORU^R01
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          Save HL7 settings
        </Button>
        <ActionMessage state={state} />
      </div>
    </form>
  );
}
