"use client";

import { keepPreviousData } from "@tanstack/react-query";
import { z } from "zod";
import { isFinalLabResultStatus, labResultStatuses, type LabResultStatus } from "@/lib/domain";
import { useStatusPolling } from "@/components/lab-results/use-status-polling";
import { pollIntervals } from "@/lib/lab-results/poll-interval";
import type { LiveLabResult } from "./upload-model";

const statusResponseSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      status: z.enum(labResultStatuses),
      attempts: z.number(),
      nextAttemptAt: z.string().nullable(),
      lastError: z.string().nullable(),
      expectedAt: z.string().nullable().optional(),
    }),
  ),
});

/** The status endpoint takes at most this many ids per request. */
const IDS_PER_REQUEST = 200;

async function fetchStatusChunk(ids: string[], signal: AbortSignal): Promise<LiveLabResult[]> {
  const response = await fetch(`/api/lab-results/status?ids=${ids.map(encodeURIComponent).join(",")}`, {
    signal,
    cache: "no-store",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) throw new Error(`The status endpoint answered ${response.status}.`);
  return statusResponseSchema.parse(await response.json()).results;
}

async function fetchStatuses(ids: string[], signal: AbortSignal): Promise<LiveLabResult[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) chunks.push(ids.slice(i, i + IDS_PER_REQUEST));
  return (await Promise.all(chunks.map((chunk) => fetchStatusChunk(chunk, signal)))).flat();
}

export type TrackedLabResult = { id: string; status: LabResultStatus };

export type LabResultStatuses = {
  byId: ReadonlyMap<string, LiveLabResult>;
  /** True when the last refresh failed; polling keeps trying. */
  stale: boolean;
};

/**
 * Polls the status of the lab results sent from this form (useStatusPolling), until each
 * one is final. `tracked` carries the status the upload answered with, used until the
 * first poll and to decide whether polling is needed at all.
 */
export function useLabResultStatuses(tracked: TrackedLabResult[], awaitReports: boolean): LabResultStatuses {
  const ids = tracked.map((t) => t.id).sort();
  const initial = new Map(tracked.map((t) => [t.id, t.status]));
  const awaitingReport = (status: LabResultStatus) => awaitReports && status === "accepted";
  const settled = (status: LabResultStatus) => isFinalLabResultStatus(status) && !awaitingReport(status);

  const query = useStatusPolling({
    queryKey: ["lab-result-statuses", ids],
    queryFn: ({ signal }) => fetchStatuses(ids, signal),
    enabled: ids.length > 0 && tracked.some((t) => !settled(t.status)),
    placeholderData: keepPreviousData,
    staleTime: 0,
    retry: false,
    statusesOf: (data) => {
      const latest = new Map((data ?? []).map((r) => [r.id, r.status]));
      return ids.map((id) => latest.get(id) ?? initial.get(id));
    },
    policy: { awaitReports, awaitingReport: pollIntervals.batchAwaitingReport, settled: false },
  });

  const byId = new Map<string, LiveLabResult>();
  for (const result of query.data ?? []) {
    if (initial.has(result.id)) byId.set(result.id, result);
  }
  return { byId, stale: query.isError };
}
