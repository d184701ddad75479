import Link from "next/link";
import type { ReactNode } from "react";
import { LabResultStatusBadge } from "@/components/lab-results/status-badge";
import type { LabResultStatus } from "@/lib/domain";
import { formatDateTime } from "@/lib/format";

export type AttentionItem = {
  id: string;
  href: string;
  title: string;
  detail: string;
  at: Date;
  status?: LabResultStatus;
};

/** A dashboard panel: a short list of things that need someone, or a calm empty line. */
export function AttentionList({
  title,
  empty,
  items,
  action,
}: {
  title: string;
  empty: string;
  items: AttentionItem[];
  action?: ReactNode;
}) {
  const headingId = `panel-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id={headingId} className="text-base font-semibold text-slate-900">
          {title} <span className="text-sm font-normal text-slate-500">({items.length})</span>
        </h2>
        {action}
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">{empty}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {items.map((item) => (
            <li key={item.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <span>
                <Link href={item.href} className="font-medium text-brand-700 underline">
                  {item.title}
                </Link>
                <span className="ml-2 text-slate-600">{item.detail}</span>
              </span>
              <span className="flex items-center gap-2 text-xs text-slate-500">
                {item.status ? <LabResultStatusBadge status={item.status} /> : null}
                {formatDateTime(item.at)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
