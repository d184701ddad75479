import type { NextRequest } from "next/server";
import { z } from "zod";
import { getDb } from "@/db";
import { getReportDocumentForUser, markReportRead } from "@/db/queries/reports";
import { recordAudit } from "@/lib/audit";
import { requireUser } from "@/lib/auth";
import { AppError, errorResponse } from "@/lib/errors";
import { pdfResponse } from "@/lib/pdf/response";
import { clientIp } from "@/lib/request";

export const dynamic = "force-dynamic";

/** An interpretation report's PDF, inline or (?download=1) as an attachment; audited, and marked read. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const user = await requireUser({ onFail: "error" });
    const { id } = await params;
    const download = request.nextUrl.searchParams.get("download") === "1";
    const action = download ? "report.download" : "report.view";
    const db = await getDb();
    const ip = clientIp((name) => request.headers.get(name));
    const report = z.uuid().safeParse(id).success ? await getReportDocumentForUser(db, user.labIds, id) : undefined;
    if (!report) {
      // Denied: recorded against the requester's own lab, whose admins see it.
      await recordAudit(db, {
        action,
        outcome: "denied",
        userId: user.id,
        labId: user.currentLab?.id ?? null,
        ip,
        details: { requestedId: id.slice(0, 64) },
      });
      throw new AppError("not_found");
    }
    await recordAudit(db, {
      action,
      outcome: "allowed",
      userId: user.id,
      labId: report.labId,
      patientId: report.patientId,
      documentId: report.documentId,
      reportId: report.reportId,
      labResultId: report.labResultId,
      ip,
    });
    await markReportRead(db, user.id, report.reportId);
    return pdfResponse(report.bytes, report.fileName, download ? "attachment" : "inline");
  } catch (error) {
    return errorResponse(error);
  }
}
