import { PageSkeleton } from "@/components/ui/skeleton";

export default function DashboardLoading() {
  return <PageSkeleton label="the dashboard" variant="dashboard" />;
}
