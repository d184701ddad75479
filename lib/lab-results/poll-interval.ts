import { isFinalLabResultStatus, type LabResultStatus } from "@/lib/domain";

/** How often the browser asks again, in milliseconds. */
export const pollIntervals = {
  /** Something is queued, sending or retrying: a person is watching it move. */
  moving: 2_000,
  /**
   * The header's badge of new interpretation reports, on every open page of every signed-in
   * person: a report waits minutes to hours for its reader, so ten seconds is prompt enough,
   * and a hundred readers with three tabs each ask 30 times a second rather than 100 (in the
   * e2e suite this poll was a third of the portal's request time at 3 s).
   */
  notifications: 10_000,
  /** The upload form's batch awaits only its reports. */
  batchAwaitingReport: 4_000,
  /** A lab result's page awaits only its report. */
  awaitingReport: 5_000,
  /** Nothing moves on the lab results list, but reports and new rows may still come. */
  quiet: 5_000,
} as const;

export type StatusPollPolicy = {
  /** Whether an accepted lab result still awaits its interpretation report. */
  awaitReports: boolean;
  /** The interval while nothing moves but a report is awaited. */
  awaitingReport: number;
  /** The interval once everything is settled; false stops polling. */
  settled: number | false;
};

/**
 * The next poll for lab results in these statuses (undefined: not known yet): fast while
 * any is still moving, slower while only reports are awaited, and `settled` after that.
 */
export function statusPollInterval(
  statuses: ReadonlyArray<LabResultStatus | undefined>,
  policy: StatusPollPolicy,
): number | false {
  const moving = (status: LabResultStatus | undefined) =>
    status === undefined || (!isFinalLabResultStatus(status) && status !== "needs_confirmation");
  if (statuses.some(moving)) return pollIntervals.moving;
  // Held by the wrong-patient guard: it waits for a person, not for the pipeline; watched slowly.
  if (statuses.includes("needs_confirmation")) return policy.awaitingReport;
  if (policy.awaitReports && statuses.includes("accepted")) return policy.awaitingReport;
  return policy.settled;
}
