import type { NextRequest } from "next/server";
import { z } from "zod";
import { patientFhirExport } from "@/lib/exports/exports";
import { serveAuditedExport } from "@/lib/exports/serve";

export const dynamic = "force-dynamic";

const pageSchema = z.coerce.number().int().min(1).max(100_000).catch(1);

/** One page (?page=N) of a patient's lab results and reports as a FHIR R4 searchset Bundle; audited. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const page = pageSchema.parse(request.nextUrl.searchParams.get("page") ?? 1);
  return serveAuditedExport(request, id, "patient.fhir_export", (db, scope, patientId) =>
    patientFhirExport(db, scope, patientId, page),
  );
}
