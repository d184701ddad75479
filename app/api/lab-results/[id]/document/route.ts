import type { NextRequest } from "next/server";
import { getLabResultDocumentForUser } from "@/db/queries/lab-results";
import { serveAuditedPdf } from "@/lib/pdf/serve";

export const dynamic = "force-dynamic";

/** The original lab-result PDF, inline or (?download=1) as an attachment; every access is audited. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  return serveAuditedPdf(request, id, {
    action: "lab_result_document",
    load: async (db, scope, labResultId) => {
      const doc = await getLabResultDocumentForUser(db, scope, labResultId);
      return doc && { ...doc, labResultId };
    },
  });
}
