import type { BadgeTone } from "@/components/ui/badge";
import type { LabResultStatus } from "@/lib/domain";

/** Each lab result status in words, with the tone of its badge. */
export const labResultStatusLabels: Record<LabResultStatus, { label: string; tone: BadgeTone }> = {
  needs_confirmation: { label: "Needs confirmation", tone: "warning" },
  queued: { label: "Queued", tone: "neutral" },
  sending: { label: "Sending", tone: "info" },
  retrying: { label: "Retrying", tone: "warning" },
  accepted: { label: "Accepted", tone: "success" },
  rejected: { label: "Rejected", tone: "danger" },
  failed: { label: "Failed", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
  report_ready: { label: "Report ready", tone: "success" },
};
