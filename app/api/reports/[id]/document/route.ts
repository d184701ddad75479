import type { NextRequest } from "next/server";
import { markReportRead } from "@/db/queries/report-read-marks";
import { getReportDocumentForUser } from "@/db/queries/reports";
import { scopeOf } from "@/db/queries/scope";
import { serveAuditedPdf } from "@/lib/pdf/serve";

export const dynamic = "force-dynamic";

/** An interpretation report's PDF, inline or (?download=1) as an attachment; audited, and marked read. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  return serveAuditedPdf(request, id, {
    action: "report",
    load: getReportDocumentForUser,
    afterAllowed: (db, user, doc) => markReportRead(db, scopeOf(user), doc.reportId ?? id),
  });
}
