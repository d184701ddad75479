import type { Metadata } from "next";
import { NoLab } from "@/components/shell/no-lab";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireRole } from "@/lib/auth";

export const metadata: Metadata = { title: "Upload" };

export default async function UploadPage() {
  const user = await requireRole(["technician", "admin"]);
  if (!user.currentLab) return <NoLab />;
  return (
    <>
      <PageHeader
        title="Upload lab results"
        description={`Send lab-result PDFs from ${user.currentLab.name} to Docus, for interpretation or to store only.`}
      />
      <EmptyState title="Uploading is being set up">
        Here you will pick or create the patient, enter the accession number, choose &quot;Interpret&quot; or &quot;Store
        only&quot;, and drop one or several PDFs. Each file then shows where it stands: checking, uploading, queued, sending,
        accepted, retrying or rejected.
      </EmptyState>
    </>
  );
}
