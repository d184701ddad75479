import { PageSkeleton } from "@/components/ui/skeleton";

export default function PatientsLoading() {
  return <PageSkeleton label="patients" variant="table" />;
}
