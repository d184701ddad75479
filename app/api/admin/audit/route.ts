import type { NextRequest } from "next/server";
import { z } from "zod";
import { getDb } from "@/db";
import { listAuditEventsForExport } from "@/db/queries/audit";
import { administrationScope } from "@/lib/admin/rules";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/account/auth";
import { csvLine } from "@/lib/csv";
import { AppError, errorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/request";

export const dynamic = "force-dynamic";

const rangeSchema = z
  .object({
    from: z.iso.date({ error: "from must be a date (YYYY-MM-DD)" }),
    to: z.iso.date({ error: "to must be a date (YYYY-MM-DD)" }),
  })
  .refine((r) => r.from <= r.to, { error: "from must not be after to" });

const header = [
  "time",
  "outcome",
  "action",
  "user_email",
  "user_name",
  "ip",
  "lab_id",
  "patient_id",
  "lab_result_id",
  "report_id",
  "document_id",
  "event_id",
];

/**
 * The audit trail of the labs the admin administers (as the admin page lists it) for a date
 * range (whole days, UTC), as CSV. The export itself is audited.
 */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const admin = await requireRole("admin", { onFail: "error" });
    const parsed = rangeSchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
    if (!parsed.success) throw new AppError("invalid", parsed.error.issues[0]?.message);
    const from = new Date(`${parsed.data.from}T00:00:00Z`);
    const to = new Date(new Date(`${parsed.data.to}T00:00:00Z`).getTime() + 86_400_000);
    const db = await getDb();
    const rows = await listAuditEventsForExport(db, administrationScope(admin, admin.currentLab?.id ?? null), from, to);
    await recordAudit(db, {
      action: "audit.export",
      outcome: "allowed",
      userId: admin.id,
      labId: admin.currentLab?.id ?? null,
      ip: clientIp((name) => request.headers.get(name)),
      details: { from: parsed.data.from, to: parsed.data.to, rows: rows.length },
    });
    const body =
      csvLine(header) +
      rows
        .map((r) =>
          csvLine([
            r.at,
            r.outcome,
            r.action,
            r.userEmail,
            r.userName,
            r.ip,
            r.labId,
            r.patientId,
            r.labResultId,
            r.reportId,
            r.documentId,
            r.id,
          ]),
        )
        .join("");
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="audit-${parsed.data.from}-to-${parsed.data.to}.csv"`,
        "Cache-Control": "no-store, private",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
