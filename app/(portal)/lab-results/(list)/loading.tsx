import { PageSkeleton } from "@/components/ui/skeleton";

export default function LabResultsLoading() {
  return <PageSkeleton label="lab results" variant="table" />;
}
