import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { LabResultFlag } from "@/lib/domain";

export const flagLabels: Record<LabResultFlag, string> = {
  normal: "Normal",
  abnormal: "Abnormal",
  critical: "Critical",
};
const flagTones: Record<LabResultFlag, BadgeTone> = { normal: "success", abnormal: "warning", critical: "danger" };

/** The lab's flag as a badge (nothing, or "Not flagged" with showNone, when there is none). */
export function FlagBadge({ flag, showNone = false }: { flag: LabResultFlag | null; showNone?: boolean }) {
  if (!flag) return showNone ? <span className="text-slate-600">Not flagged</span> : null;
  return <Badge tone={flagTones[flag]}>{flagLabels[flag]}</Badge>;
}
