import { Badge } from "@/components/ui/badge";
import type { LabResultStatus } from "@/lib/domain";
import { labResultStatusLabels } from "./status-labels";

export function LabResultStatusBadge({ status }: { status: LabResultStatus }) {
  const { label, tone } = labResultStatusLabels[status];
  return <Badge tone={tone}>{label}</Badge>;
}
