"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { isMoving } from "./manifest-status";

const POLL_MS = 2000;
const IDS_PER_REQUEST = 200;

// Any status string: a status the portal adds later is shown by its name, not dropped.
const responseSchema = z.object({ results: z.array(z.object({ id: z.string(), status: z.string() })) });

async function fetchStatuses(ids: string[], signal: AbortSignal): Promise<Array<{ id: string; status: string }>> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) chunks.push(ids.slice(i, i + IDS_PER_REQUEST));
  const answers = await Promise.all(
    chunks.map(async (chunk) => {
      const response = await fetch(`/api/lab-results/status?ids=${chunk.map(encodeURIComponent).join(",")}`, {
        signal,
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(`The status endpoint answered ${response.status}.`);
      return responseSchema.parse(await response.json()).results;
    }),
  );
  return answers.flat();
}

/**
 * The latest status of each lab result of a batch, asked every two seconds while any can
 * still change by itself. `sent`: lab result id -> the status its upload answered with;
 * `awaitReports`: ids sent for interpretation, whose "accepted" still changes.
 */
export function useManifestStatuses(
  sent: ReadonlyMap<string, string>,
  awaitReports: ReadonlySet<string>,
): { byId: ReadonlyMap<string, string>; stale: boolean } {
  const ids = [...sent.keys()].sort();
  const query = useQuery({
    queryKey: ["manifest-statuses", ids],
    queryFn: ({ signal }) => fetchStatuses(ids, signal),
    enabled: ids.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 0,
    retry: false,
    refetchInterval: (q) => {
      const latest = new Map((q.state.data ?? []).map((r) => [r.id, r.status]));
      const moving = ids.some((id) => isMoving(latest.get(id) ?? sent.get(id) ?? "queued", awaitReports.has(id)));
      return moving ? POLL_MS : false;
    },
  });
  const byId = new Map(sent);
  for (const r of query.data ?? []) if (sent.has(r.id)) byId.set(r.id, r.status);
  return { byId, stale: query.isError };
}
