"use client";

import { useState } from "react";
import { contactEmailsSchema } from "@/lib/validations/lab-results";
import { FormField } from "@/components/ui/form-field";

export type ContactEmails = { patientEmail: string; physicianEmail: string };
type ContactField = keyof ContactEmails;

export const emptyContactEmails: ContactEmails = { patientEmail: "", physicianEmail: "" };

export const contactEmailIds: Record<ContactField, string> = {
  patientEmail: "upload-patient-email",
  physicianEmail: "upload-physician-email",
};

const labels: Record<ContactField, { label: string; hint: string }> = {
  patientEmail: {
    label: "Patient e-mail",
    hint: "Only when Docus sends reports to patients for this lab. Sent to Docus only when filled in.",
  },
  physicianEmail: {
    label: "Physician e-mail",
    hint: "Only when Docus sends reports to doctors for this lab. Sent to Docus only when filled in.",
  },
};

/** The first problem with one address, or undefined when it is empty or fine. */
export function contactEmailProblem(field: ContactField, value: string): string | undefined {
  const result = contactEmailsSchema.shape[field].safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/**
 * The form fields to send for the two addresses: only the filled ones, or null (and the
 * first problem's field) when one is not an address.
 */
export function contactEmailEntries(
  value: ContactEmails,
): { ok: true; entries: Array<[string, string]> } | { ok: false; field: ContactField } {
  const entries: Array<[string, string]> = [];
  for (const field of ["patientEmail", "physicianEmail"] as const) {
    if (contactEmailProblem(field, value[field])) return { ok: false, field };
    const trimmed = value[field].trim();
    if (trimmed) entries.push([field, trimmed]);
  }
  return { ok: true, entries };
}

export type ContactEmailFieldsProps = {
  value: ContactEmails;
  onChange: (value: ContactEmails) => void;
};

/** The two optional addresses Docus accepts with a lab result, checked when the person leaves each. */
export function ContactEmailFields({ value, onChange }: ContactEmailFieldsProps) {
  const [errors, setErrors] = useState<Partial<Record<ContactField, string>>>({});
  const check = (field: ContactField, text: string) =>
    setErrors((previous) => ({ ...previous, [field]: contactEmailProblem(field, text) }));
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {(["patientEmail", "physicianEmail"] as const).map((field) => {
        const id = contactEmailIds[field];
        return (
          <FormField
            key={field}
            id={id}
            label={labels[field].label}
            optional
            hint={labels[field].hint}
            error={errors[field]}
          >
            {(control) => (
              <input
                {...control}
                type="email"
                autoComplete="off"
                spellCheck={false}
                value={value[field]}
                onChange={(event) => {
                  onChange({ ...value, [field]: event.target.value });
                  if (errors[field]) check(field, event.target.value);
                }}
                onBlur={() => check(field, value[field])}
              />
            )}
          </FormField>
        );
      })}
    </div>
  );
}
