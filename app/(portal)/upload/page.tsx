import type { Metadata } from "next";
import { QueryProvider } from "@/components/providers/query-provider";
import { NoLab } from "@/components/shell/no-lab";
import { PageHeader } from "@/components/ui/page-header";
import { ManifestUpload } from "@/components/upload/manifest-upload";
import { UploadForm } from "@/components/upload/upload-form";
import { UploadWays } from "@/components/upload/upload-ways";
import { getDb } from "@/db";
import { getLabById } from "@/db/queries/lab-admin";
import { requireRole } from "@/lib/account/auth";
import { getEnv } from "@/lib/env";
import { checkManifestAction, sendManifestFileAction } from "./manifest-actions";

export const metadata: Metadata = { title: "Upload" };

export default async function UploadPage({ searchParams }: { searchParams: Promise<{ way?: string | string[] }> }) {
  const way = (await searchParams).way === "manifest" ? "manifest" : "single";
  const user = await requireRole(["technician", "admin"]);
  if (!user.currentLab) return <NoLab />;
  const { MAX_UPLOAD_MB } = getEnv();
  const lab = await getLabById(await getDb(), user.currentLab.id);
  if (lab && !lab.active) {
    return (
      <PageHeader
        title="Upload lab results"
        description={`${lab.name} is deactivated and takes no new uploads. Its lab results and reports stay readable.`}
      />
    );
  }
  return (
    <>
      <PageHeader
        title="Upload lab results"
        description={
          way === "manifest"
            ? `Send many lab-result PDFs from ${user.currentLab.name} to Docus at once, for many patients, described by a manifest (CSV or Excel). Every problem is listed before anything is sent.`
            : `Send lab-result PDFs from ${user.currentLab.name} to Docus, for interpretation or to store only. Choose the patient and accession number once, then add one or many PDFs.`
        }
      />
      <UploadWays current={way} />
      <QueryProvider>
        {way === "manifest" ? (
          <ManifestUpload
            labName={user.currentLab.name}
            maxUploadMb={MAX_UPLOAD_MB}
            defaultMode={lab?.defaultUploadMode ?? "interpret"}
            check={checkManifestAction}
            send={sendManifestFileAction}
          />
        ) : (
          <UploadForm labName={user.currentLab.name} maxUploadMb={MAX_UPLOAD_MB} defaultMode={lab?.defaultUploadMode} />
        )}
      </QueryProvider>
    </>
  );
}
