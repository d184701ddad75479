import type { ReactNode } from "react";

export type UploadCardProps = {
  /** The heading's id; the card is labelled by it. */
  headingId: string;
  title: ReactNode;
  /** The space between the card's parts: 3 or 4 (Tailwind's space-y). */
  spacing?: 3 | 4;
  /** The heading can take the focus (to move the reader there). */
  focusableHeading?: boolean;
  children: ReactNode;
};

/** A white card of the upload pages, titled by an h2 that also names it for screen readers. */
export function UploadCard({ headingId, title, spacing = 4, focusableHeading, children }: UploadCardProps) {
  return (
    <section
      aria-labelledby={headingId}
      className={`min-w-0 ${spacing === 3 ? "space-y-3" : "space-y-4"} rounded-lg border border-slate-200 bg-white p-5 shadow-sm`}
    >
      <h2
        id={headingId}
        tabIndex={focusableHeading ? -1 : undefined}
        className="text-base font-semibold text-slate-900"
      >
        {title}
      </h2>
      {children}
    </section>
  );
}
