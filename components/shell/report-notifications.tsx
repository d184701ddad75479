"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { pollIntervals } from "@/lib/lab-results/poll-interval";

type Notice = {
  id: string;
  receivedAt: string;
  accessionNumber: string | null;
  patientName: string | null;
  labResultId: string | null;
};
type Notifications = { unread: number; latest: Notice[] };

async function fetchNotifications(): Promise<Notifications> {
  const response = await fetch("/api/notifications", { cache: "no-store" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as Notifications;
}

/**
 * The header's badge of new interpretation reports, polled every 10 s, and a toast for
 * each report that arrives while the page is open.
 */
export function ReportNotifications() {
  const { data } = useQuery({
    queryKey: ["notifications"],
    queryFn: fetchNotifications,
    refetchInterval: pollIntervals.notifications,
  });
  const seen = useRef<Set<string> | null>(null);
  const [toasts, setToasts] = useState<Notice[]>([]);

  useEffect(() => {
    if (!data) return;
    if (seen.current === null) {
      // The first answer is what was already waiting: a badge, not a toast.
      seen.current = new Set(data.latest.map((n) => n.id));
      return;
    }
    const fresh = data.latest.filter((n) => !seen.current?.has(n.id));
    for (const n of fresh) seen.current.add(n.id);
    if (fresh.length > 0) {
      setToasts((current) => [...fresh, ...current].slice(0, 3));
    }
  }, [data]);

  useEffect(() => {
    if (toasts.length === 0) return;
    const timer = setTimeout(() => setToasts((current) => current.slice(0, -1)), 15_000);
    return () => clearTimeout(timer);
  }, [toasts]);

  const unread = data?.unread ?? 0;
  return (
    <>
      {/* The visible words are the link's name ("Reports", "Reports 3 new"), so what a
          speech-input user reads out is what the link answers to. */}
      <Link
        href="/lab-results?status=report_ready"
        // As in the navigation: a prefetched redirect of the layout would be replayed later.
        prefetch={false}
        className="relative inline-flex items-center rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100 max-lg:min-h-11"
      >
        Reports
        {unread > 0 ? (
          <>
            {" "}
            <span
              data-testid="report-badge"
              className="ml-1.5 rounded-full bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white"
            >
              {unread > 99 ? "99+" : unread}
            </span>
            <span className="sr-only"> new</span>
          </>
        ) : null}
      </Link>
      <div aria-live="polite" className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-80 flex-col gap-2">
        {toasts.map((n) => (
          <div
            key={n.id}
            role="status"
            className="pointer-events-auto rounded-lg border border-emerald-200 bg-white p-3 text-sm shadow-lg"
          >
            <p className="font-medium text-slate-900">Interpretation report ready</p>
            <p className="text-slate-700">
              {n.patientName ?? "Unknown patient"}
              {n.accessionNumber ? ` · ${n.accessionNumber}` : ""}
            </p>
            <div className="mt-2 flex gap-3">
              {n.labResultId ? (
                <Link href={`/lab-results/${n.labResultId}`} className="text-brand-700 underline">
                  Open
                </Link>
              ) : null}
              <button
                type="button"
                className="text-slate-600 underline"
                onClick={() => setToasts((c) => c.filter((t) => t.id !== n.id))}
              >
                Dismiss
              </button>
            </div>
          </div>
        ))}
      </div>
    </>
  );
}
