import type { NextRequest } from "next/server";
import { z } from "zod";
import { getDb } from "@/db";
import { getLabResultDocumentForUser } from "@/db/queries/lab-results";
import { recordAudit } from "@/lib/audit";
import { requireUser } from "@/lib/auth";
import { AppError, errorResponse } from "@/lib/errors";
import { pdfResponse } from "@/lib/pdf/response";
import { clientIp } from "@/lib/request";

export const dynamic = "force-dynamic";

/** The original lab-result PDF, inline or (?download=1) as an attachment; every access is audited. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const user = await requireUser({ onFail: "error" });
    const { id } = await params;
    const download = request.nextUrl.searchParams.get("download") === "1";
    const action = download ? "lab_result_document.download" : "lab_result_document.view";
    const db = await getDb();
    const ip = clientIp((name) => request.headers.get(name));
    const doc = z.uuid().safeParse(id).success ? await getLabResultDocumentForUser(db, user.labIds, id) : undefined;
    if (!doc) {
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
      labId: doc.labId,
      patientId: doc.patientId,
      documentId: doc.documentId,
      labResultId: id,
      ip,
    });
    return pdfResponse(doc.bytes, doc.fileName, download ? "attachment" : "inline");
  } catch (error) {
    return errorResponse(error);
  }
}
