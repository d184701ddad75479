import type { NextRequest } from "next/server";
import { labResultFhirExport } from "@/lib/exports/exports";
import { serveAuditedExport } from "@/lib/exports/serve";

export const dynamic = "force-dynamic";

/** A lab result with its interpretation reports as a FHIR R4 Bundle (application/fhir+json); audited. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  return serveAuditedExport(request, id, "lab_result.fhir_export", labResultFhirExport);
}
