import type { NextRequest } from "next/server";
import { z } from "zod";
import { getDb } from "@/db";
import { listRefusedDeliveries } from "@/db/queries/docus-connection";
import { scopeOf } from "@/db/queries/scope";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/account/auth";
import { csvLine } from "@/lib/csv";
import { AppError, errorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

const querySchema = z.object({ days: z.coerce.number().int().min(1).max(90).default(30) });

/** Refused report deliveries of the last `days` days as CSV: time, status, reason, lab. */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const actor = await requireRole(["admin", "operator"], { onFail: "error" });
    const parsed = querySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
    if (!parsed.success) throw new AppError("invalid", "days must be a whole number from 1 to 90");
    const db = await getDb();
    const rows = await listRefusedDeliveries(db, scopeOf(actor), new Date(Date.now() - parsed.data.days * 86_400_000));
    await recordAudit(db, {
      action: "deliveries.refused_export",
      outcome: "allowed",
      userId: actor.id,
      labId: actor.currentLab?.id ?? null,
      details: { days: parsed.data.days, rows: rows.length },
    });
    const body =
      csvLine(["received_at", "http_status", "reason", "lab"]) +
      rows.map((r) => csvLine([r.receivedAt, r.httpStatus, r.reason, r.labName])).join("");
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="refused-deliveries-${parsed.data.days}d.csv"`,
        "Cache-Control": "no-store, private",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
