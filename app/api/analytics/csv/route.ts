import type { NextRequest } from "next/server";
import { getDb } from "@/db";
import { getTurnaroundFigures } from "@/db/queries/analytics";
import { scopeOf } from "@/db/queries/scope";
import { requireRole } from "@/lib/account/auth";
import { CSV_HEADER, csvRows, stageTables } from "@/lib/analytics/table";
import { analyticsWindow } from "@/lib/analytics/weeks";
import { recordAudit } from "@/lib/audit";
import { csvLine } from "@/lib/csv";
import { AppError, errorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/request";

export const dynamic = "force-dynamic";

/**
 * The analytics page's turnaround figures of the current lab as CSV: per stage the last
 * 12 weeks as a whole and each week (doctors and admins of the lab). The export is audited.
 */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const user = await requireRole(["doctor", "admin"], { onFail: "error" });
    if (!user.currentLab) throw new AppError("forbidden");
    const db = await getDb();
    const window = analyticsWindow(new Date());
    const figures = await getTurnaroundFigures(db, scopeOf(user), window);
    if (!figures) throw new AppError("forbidden");
    const rows = csvRows(stageTables(figures, window.weeks), figures.turnaroundHours);
    await recordAudit(db, {
      action: "analytics.export",
      outcome: "allowed",
      userId: user.id,
      labId: figures.labId,
      ip: clientIp((name) => request.headers.get(name)),
      details: { from: window.weeks[0], weeks: window.weeks.length, rows: rows.length },
    });
    const body = csvLine([...CSV_HEADER]) + rows.map((row) => csvLine(row)).join("");
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="turnaround-${window.weeks[0]}-to-${window.weeks.at(-1)}.csv"`,
        "Cache-Control": "no-store, private",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
