import Link from "next/link";
import { formatDateTime } from "@/lib/format";

export type OverdueCriticalItem = {
  reportId: string;
  receivedAt: Date;
  accessionNumber: string;
  patientName: string;
  ownerName: string | null;
};

/**
 * Critical reports not signed off within the lab's window: shown to every doctor of the
 * lab and to its admins until someone signs each off.
 */
export function OverdueCriticalPanel({
  items,
  windowMinutes,
}: {
  items: OverdueCriticalItem[];
  windowMinutes: number;
}) {
  if (items.length === 0) return null;
  return (
    <section
      aria-labelledby="overdue-critical-heading"
      data-testid="overdue-critical"
      className="mb-4 rounded-lg border-2 border-red-600 bg-red-50 p-4"
    >
      <h2 id="overdue-critical-heading" className="text-base font-semibold text-red-900">
        Critical results not signed off within {windowMinutes} {windowMinutes === 1 ? "minute" : "minutes"} (
        {items.length})
      </h2>
      <ul className="mt-2 divide-y divide-red-200">
        {items.map((item) => (
          <li key={item.reportId} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
            <Link
              href={`/reports/${item.reportId}`}
              className="inline-flex min-h-11 items-center font-medium text-red-900 underline"
            >
              {item.patientName} · accession {item.accessionNumber}
            </Link>
            <span className="text-red-900">
              Delivered {formatDateTime(item.receivedAt)} · {item.ownerName ? `owner ${item.ownerName}` : "unassigned"}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
