import { EmptyState } from "@/components/ui/empty-state";

/** Shown instead of a lab's data to a user who belongs to no lab yet. */
export function NoLab() {
  return (
    <EmptyState title="You are not a member of any lab yet">
      An administrator adds you to a lab (for example with <code>npm run user:create -- … --lab NAME</code>). Until then
      there is nothing to show.
    </EmptyState>
  );
}
