import type { ReactNode } from "react";
import { cn } from "./cn";

export type SectionProps = {
  /** The heading's id; the section is labelled by it. */
  headingId: string;
  title: ReactNode;
  /** A white card around the section, for forms and settings. */
  card?: boolean;
  className?: string;
  children: ReactNode;
};

/** A titled part of a page: an h2 that also names the section for screen readers. */
export function Section({ headingId, title, card, className, children }: SectionProps) {
  return (
    <section
      aria-labelledby={headingId}
      className={cn(card && "rounded-lg border border-slate-200 bg-white p-4 shadow-sm", className)}
    >
      <h2 id={headingId} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
