import type { NextRequest } from "next/server";
import { reportHl7Export } from "@/lib/exports/exports";
import { serveAuditedExport } from "@/lib/exports/serve";

export const dynamic = "force-dynamic";

/** An interpretation report version as an HL7 v2.5.1 ORU^R01 message; audited. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  return serveAuditedExport(request, id, "report.hl7_export", reportHl7Export);
}
