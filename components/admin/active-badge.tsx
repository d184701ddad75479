import { Badge } from "@/components/ui/badge";

/** Whether a person or a lab is active. */
export function ActiveBadge({ active }: { active: boolean }) {
  return active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>;
}
