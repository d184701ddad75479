import type { AnalyticsStageKey, BacklogStateKey } from "@/db/queries/analytics";

export type { AnalyticsStageKey, BacklogStateKey };

/**
 * The stages of a lab result's turnaround, in order, as the analytics page, its chart and
 * its CSV name them. Each stage is a span between two recorded moments (see
 * db/queries/analytics.ts for where each moment comes from). A stage whose end is not
 * recorded by the portal yet (`recorded: false`) is listed as "not recorded yet".
 */
export const analyticsStages = [
  { key: "sent", label: "Uploaded → sent", from: "uploaded", to: "first sent to Docus", recorded: true },
  { key: "accepted", label: "Sent → accepted", from: "first sent", to: "accepted by Docus", recorded: true },
  {
    key: "delivered",
    label: "Accepted → report delivered",
    from: "accepted",
    to: "first report delivered",
    recorded: true,
  },
  {
    key: "opened",
    label: "Delivered → first opened",
    from: "report delivered",
    to: "first opened by anyone",
    recorded: true,
  },
  { key: "signed_off", label: "Opened → signed off", from: "first opened", to: "signed off", recorded: true },
  {
    key: "overall",
    label: "Uploaded → report delivered (end to end)",
    from: "uploaded",
    to: "first report delivered",
    recorded: true,
  },
] as const satisfies readonly { key: AnalyticsStageKey; label: string; from: string; to: string; recorded: boolean }[];

/** The lab-result states of the backlog, in the order the page lists them, with a reader's name. */
export const backlogStates = [
  { key: "needs_confirmation", label: "Held for confirmation (wrong-patient guard)" },
  { key: "queued", label: "Queued to send" },
  { key: "sending", label: "Sending" },
  { key: "retrying", label: "Waiting to retry" },
  { key: "waiting_for_report", label: "Accepted, waiting for the report" },
  { key: "report_unopened", label: "Report delivered, not opened yet" },
  { key: "rejected", label: "Rejected by Docus" },
  { key: "failed", label: "Failed to send" },
] as const satisfies readonly { key: BacklogStateKey; label: string }[];
