"use client";

import { useQuery, type QueryKey, type UseQueryOptions, type UseQueryResult } from "@tanstack/react-query";
import type { LabResultStatus } from "@/lib/domain";
import { statusPollInterval, type StatusPollPolicy } from "@/lib/lab-results/poll-interval";

export type StatusPollingOptions<T> = Omit<UseQueryOptions<T, Error, T, QueryKey>, "refetchInterval"> & {
  /** The statuses the latest answer holds (undefined for one not known yet). */
  statusesOf: (data: T | undefined) => ReadonlyArray<LabResultStatus | undefined>;
  policy: StatusPollPolicy;
};

/**
 * A query of lab result statuses that asks again on the named intervals of
 * lib/lab-results/poll-interval.ts: fast while a send moves, slower while a report is
 * awaited, and as the policy says once everything is settled.
 */
export function useStatusPolling<T>({ statusesOf, policy, ...options }: StatusPollingOptions<T>): UseQueryResult<T> {
  return useQuery({
    ...options,
    refetchInterval: (query) => statusPollInterval(statusesOf(query.state.data), policy),
  });
}
