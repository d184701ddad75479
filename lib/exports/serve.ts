import "server-only";
import type { NextRequest } from "next/server";
import { encodeExtended } from "content-disposition";
import type { Db } from "@/db";
import type { QueryScope } from "@/db/queries/scope";
import { recordAudit } from "@/lib/audit";
import { errorResponse } from "@/lib/errors";
import { loadAuditedRecord } from "@/lib/pdf/serve";

/** What an export route hands back: the body, its type and file name, and what the audit names. */
export type ServedExport = {
  body: string;
  contentType: string;
  fileName: string;
  audit: { labId: string; patientId: string; labResultId?: string | null; reportId?: string | null };
};

/** An attachment's header for an export's file name (ASCII letters, digits, ". _ -" only; see lib/exports/exports.ts). */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^A-Za-z0-9._-]/g, "_");
  return `attachment; filename="${ascii}"; filename*=${encodeExtended(ascii)}`;
}

/**
 * Serves an export (FHIR Bundle, HL7 message) as an attachment to a signed-in user of its
 * lab, exactly as the document routes serve PDFs: the same scoping (an id of another lab,
 * or no such id, is "not found") and one audit event per request, allowed or denied.
 */
export async function serveAuditedExport(
  request: NextRequest,
  id: string,
  action: string,
  load: (db: Db, scope: QueryScope, id: string) => Promise<ServedExport | undefined>,
): Promise<Response> {
  try {
    const { user, db, ip, record: served } = await loadAuditedRecord(request, id, action, load);
    await recordAudit(db, {
      action,
      outcome: "allowed",
      userId: user.id,
      labId: served.audit.labId,
      patientId: served.audit.patientId,
      labResultId: served.audit.labResultId ?? null,
      reportId: served.audit.reportId ?? null,
      ip,
    });
    return new Response(served.body, {
      status: 200,
      headers: {
        "Content-Type": served.contentType,
        "Content-Disposition": attachment(served.fileName),
        "Cache-Control": "no-store, private",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
