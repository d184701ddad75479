import { labResultStatusLabels } from "@/components/lab-results/status-labels";
import type { BadgeTone } from "@/components/ui/badge";
import { sendPendingStatuses } from "@/lib/domain";

const known: Record<string, { label: string; tone: BadgeTone }> = labResultStatusLabels;

/**
 * A lab result's status as words, for any status the server answers: the known ones by
 * name, and one the portal adds later spelled out from its name.
 */
export function statusLabel(status: string): { label: string; tone: BadgeTone } {
  const found = known[status];
  if (found) return found;
  const words = status.replace(/[_-]+/g, " ").trim();
  return { label: words ? words[0]!.toUpperCase() + words.slice(1) : "Unknown", tone: "warning" };
}

/**
 * Whether a status can still change by itself (so it is worth asking again): a send still
 * pending (lib/domain's list), or an accepted file whose report is awaited. Any other
 * status, known or not, waits for a person.
 */
export function isMoving(status: string, awaitReport: boolean): boolean {
  if (status === "accepted") return awaitReport;
  return (sendPendingStatuses as readonly string[]).includes(status);
}
