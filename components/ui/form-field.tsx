import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/** The classes of a text input, select or textarea; a red border while it has an error. */
export function controlClasses(invalid: boolean, className?: string): string {
  return cn(
    "mt-1 block w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm disabled:bg-slate-100 disabled:text-slate-600",
    invalid ? "border-red-600" : "border-slate-300",
    className,
  );
}

/** The ids a control's aria-describedby should name: its hint and, when shown, its error. */
export function describedBy(id: string, hasHint: boolean, error: string | undefined): string | undefined {
  const ids = [hasHint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

/** What a field hands its control, so that the control is tied to its label, hint and error. */
export type FormControlProps = {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  className: string;
};

export type FormFieldProps = {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  optional?: boolean;
  className?: string;
  /** Extra classes for the control (e.g. `font-mono`). */
  controlClassName?: string;
  /** The control, given the props that connect it to the label, the hint and the error. */
  children: (control: FormControlProps) => ReactNode;
};

/**
 * One form field: a label, the control, an optional hint and the error under it. The
 * control gets its id, `aria-invalid` while there is an error, and `aria-describedby`
 * naming the hint and the error, so every form reads the same way to a screen reader.
 */
export function FormField({ id, label, hint, error, optional, className, controlClassName, children }: FormFieldProps) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
        {optional ? <span className="font-normal text-slate-500"> (optional)</span> : null}
      </label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy(id, Boolean(hint), error),
        className: controlClasses(Boolean(error), controlClassName),
      })}
      <FieldHint id={id} hint={hint} />
      <FieldError id={id} error={error} />
    </div>
  );
}

export function FieldHint({ id, hint }: { id: string; hint: ReactNode }) {
  return hint ? (
    <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
      {hint}
    </p>
  ) : null;
}

export function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
      {error}
    </p>
  ) : null;
}
