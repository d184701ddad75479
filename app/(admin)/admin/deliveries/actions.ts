"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { attachUnmatchedReport } from "@/db/queries/deliveries";
import { queueReportForFeed } from "@/lib/exports/mllp-feed";
import { getBoss } from "@/lib/jobs/boss";
import { queueDiffForNewVersion } from "@/lib/reports/diff-job";
import { routeReportToLab } from "@/db/queries/system/operator-triage";
import { scopeOf } from "@/db/queries/scope";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";

const attachSchema = z.object({
  reportId: z.uuid(),
  labResultId: z.uuid({ error: "Choose the lab result to attach it to." }),
  overrideReason: z
    .string()
    .trim()
    .max(500, { error: "Keep the reason under 500 characters." })
    .transform((v) => (v === "" ? null : v))
    .nullable(),
});

/**
 * Attaches an unmatched interpretation report of the admin's lab to a lab result of that
 * lab (audited). A report whose delivered patient id is not the lab result's patient's is
 * attached only with a stated reason, which the audit event keeps.
 */
export async function attachReportAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const admin = await requireRole("admin");
  const parsed = attachSchema.safeParse({
    reportId: formData.get("reportId"),
    labResultId: formData.get("labResultId"),
    overrideReason: formData.get("overrideReason") ?? "",
  });
  if (!parsed.success) return { status: "invalid", message: parsed.error.issues[0]?.message ?? "Choose a lab result." };
  const { reportId, labResultId, overrideReason } = parsed.data;
  const db = await getDb();
  // Started before the transaction opens (the embedded database has one connection).
  const boss = await getBoss();
  const outcome = await attachUnmatchedReport(
    db,
    scopeOf(admin),
    reportId,
    labResultId,
    overrideReason ? { reason: overrideReason } : null,
    async (tx, attached) => {
      await queueReportForFeed(tx, attached, boss);
      await queueDiffForNewVersion(tx, attached, boss);
    },
  );
  await recordAudit(db, {
    action: "report.attach",
    outcome: outcome.ok ? "allowed" : "denied",
    userId: admin.id,
    labId: outcome.ok ? outcome.labId : (admin.currentLab?.id ?? null),
    patientId: outcome.ok ? outcome.patientId : null,
    reportId,
    labResultId,
    details: outcome.ok
      ? outcome.patientMismatch
        ? { override: "patient_id_mismatch", reason: overrideReason }
        : null
      : { reason: outcome.reason },
  });
  if (!outcome.ok) {
    return outcome.reason === "patient_mismatch"
      ? {
          status: "invalid",
          fieldErrors: { overrideReason: ["Give the reason to attach it anyway."] },
          message: `The report was delivered for patient id ${outcome.deliveredPatientId}, but that lab result is patient ${outcome.labResultPatientId}'s. To attach it anyway, give the reason.`,
        }
      : {
          status: "error",
          message: "That report or lab result was not found in your labs, or the report is already attached.",
        };
  }
  revalidatePath("/admin/deliveries");
  return { status: "success", message: "Report attached; the lab result now shows it." };
}

const routeSchema = z.object({ reportId: z.uuid(), labId: z.uuid({ error: "Choose the lab to hand it to." }) });

/** The platform operator hands a report of an unknown partner lab to a lab, whose admins then attach it (audited). */
export async function routeReportAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const operator = await requireRole("operator");
  const parsed = routeSchema.safeParse({ reportId: formData.get("reportId"), labId: formData.get("labId") });
  if (!parsed.success) return { status: "invalid", message: parsed.error.issues[0]?.message ?? "Choose a lab." };
  const db = await getDb();
  const routed = await routeReportToLab(db, parsed.data.reportId, parsed.data.labId);
  await recordAudit(db, {
    action: "report.route",
    outcome: routed ? "allowed" : "denied",
    userId: operator.id,
    labId: routed ? parsed.data.labId : null,
    reportId: parsed.data.reportId,
  });
  if (!routed)
    return { status: "error", message: "That report is no longer waiting for a lab, or the lab does not exist." };
  revalidatePath("/admin/deliveries");
  return { status: "success", message: "Handed to the lab; its administrators attach it to a lab result." };
}
