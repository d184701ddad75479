"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { attachUnmatchedReport } from "@/db/queries/reports";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/auth";
import type { ActionResult } from "@/lib/errors";

const attachSchema = z.object({ reportId: z.uuid(), labResultId: z.uuid({ error: "Choose the lab result to attach it to." }) });

/** Attaches an unmatched interpretation report to a lab result of the admin's labs (audited). */
export async function attachReportAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const admin = await requireRole("admin");
  const parsed = attachSchema.safeParse({ reportId: formData.get("reportId"), labResultId: formData.get("labResultId") });
  if (!parsed.success) return { status: "invalid", message: parsed.error.issues[0]?.message ?? "Choose a lab result." };
  const db = await getDb();
  const attached = await attachUnmatchedReport(db, admin, parsed.data.reportId, parsed.data.labResultId);
  await recordAudit(db, {
    action: "report.attach",
    outcome: attached ? "allowed" : "denied",
    userId: admin.id,
    reportId: parsed.data.reportId,
    labResultId: parsed.data.labResultId,
  });
  if (!attached) return { status: "error", message: "That report or lab result was not found in your labs, or the report is already attached." };
  revalidatePath("/admin/deliveries");
  return { status: "success", message: "Report attached; the lab result now shows it." };
}
