"use client";

import { LabResultStatusBadge } from "./status-badge";
import type { LabResultStatus } from "@/lib/domain";
import { formatClockTime } from "@/lib/format";
import { pollIntervals } from "@/lib/lab-results/poll-interval";
import { useStatusPolling } from "./use-status-polling";

type State = {
  id: string;
  status: LabResultStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
};

/** One lab result's status, polled every 2 s until it is final. */
export function LiveStatus({ initial }: { initial: State }) {
  const { data = initial } = useStatusPolling({
    queryKey: ["lab-result-status", initial.id],
    queryFn: async (): Promise<State> => {
      const response = await fetch(`/api/lab-results/status?ids=${initial.id}`, { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { results } = (await response.json()) as { results: State[] };
      return results[0] ?? initial;
    },
    initialData: initial,
    // "accepted" may still become "report ready", and a held one waits for a person: both are polled, more slowly.
    statusesOf: (data) => [data?.status],
    policy: { awaitReports: true, awaitingReport: pollIntervals.awaitingReport, settled: false },
  });
  return (
    <span aria-live="polite" className="inline-flex flex-wrap items-center gap-2">
      <LabResultStatusBadge status={data.status} />
      <span className="text-sm text-slate-600">
        {data.attempts} attempt{data.attempts === 1 ? "" : "s"}
        {data.status === "retrying" && data.nextAttemptAt ? `, next at ${formatClockTime(data.nextAttemptAt)}` : ""}
      </span>
      {data.lastError ? <span className="text-sm text-red-700">{data.lastError}</span> : null}
    </span>
  );
}
