"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { cancelLabResult, requeueLabResult } from "@/db/queries/lab-result-submissions";
import { markReportReviewed } from "@/db/queries/report-read-marks";
import { scopeOf } from "@/db/queries/scope";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";
import { enqueueSubmission } from "@/lib/send";
import { confirmHeldLabResultSend, removeHeldLabResultUpload } from "@/lib/lab-results/submission";

const idSchema = z.uuid();

/** Sends a rejected or failed lab result again (a technician fixed the cause). */
export async function retryLabResultAction(id: string): Promise<ActionResult> {
  const user = await requireRole(["technician", "admin"]);
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) return { status: "invalid", message: "Unknown lab result." };
  const db = await getDb();
  const requeued = await db.transaction(async (tx) => {
    const labId = await requeueLabResult(tx, scopeOf(user), parsed.data);
    if (!labId) return false;
    await enqueueSubmission(tx, parsed.data, 0);
    await recordAudit(tx, {
      action: "lab_result.retry",
      outcome: "allowed",
      userId: user.id,
      labId,
      labResultId: parsed.data,
    });
    return true;
  });
  if (!requeued)
    return { status: "error", message: "Only a rejected or failed lab result of your labs can be retried." };
  revalidatePath("/lab-results");
  return { status: "success", message: "Queued to be sent again." };
}

/** Cancels a lab result that Docus has not accepted (queued, waiting for its next attempt, or being sent). */
export async function cancelLabResultAction(id: string): Promise<ActionResult> {
  const user = await requireRole(["technician", "admin"]);
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) return { status: "invalid", message: "Unknown lab result." };
  const db = await getDb();
  const labId = await cancelLabResult(db, scopeOf(user), parsed.data);
  if (!labId) {
    return {
      status: "error",
      message: "Only a lab result that has not been accepted can be cancelled; this one is finished.",
    };
  }
  await recordAudit(db, {
    action: "lab_result.cancel",
    outcome: "allowed",
    userId: user.id,
    labId,
    labResultId: parsed.data,
  });
  revalidatePath("/lab-results");
  return { status: "success", message: "Cancelled." };
}

/**
 * A technician or admin of the lab confirms a lab result that the wrong-patient guard held:
 * it is queued for sending with its job, and the audit event names them.
 */
export async function confirmHeldLabResultAction(id: string): Promise<ActionResult> {
  const user = await requireRole(["technician", "admin"]);
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) return { status: "invalid", message: "Unknown lab result." };
  const confirmed = await confirmHeldLabResultSend(user, parsed.data);
  if (!confirmed)
    return { status: "error", message: "Only a held lab result of your labs can be confirmed; this one is not held." };
  revalidatePath("/lab-results");
  revalidatePath(`/lab-results/${parsed.data}`);
  return { status: "success", message: `Confirmed by ${user.name}: queued to be sent.` };
}

/** Removes a lab result that the wrong-patient guard held: it is never sent (audited). */
export async function removeHeldLabResultAction(id: string): Promise<ActionResult> {
  const user = await requireRole(["technician", "admin"]);
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) return { status: "invalid", message: "Unknown lab result." };
  const removed = await removeHeldLabResultUpload(user, parsed.data);
  if (!removed)
    return { status: "error", message: "Only a held lab result of your labs can be removed; this one is not held." };
  revalidatePath("/lab-results");
  revalidatePath(`/lab-results/${parsed.data}`);
  return { status: "success", message: "Removed: it will not be sent." };
}

/** A doctor marks an interpretation report as reviewed (audited). */
export async function markReportReviewedAction(reportId: string): Promise<ActionResult> {
  const user = await requireRole("doctor");
  const parsed = idSchema.safeParse(reportId);
  if (!parsed.success) return { status: "invalid", message: "Unknown report." };
  const db = await getDb();
  // The event belongs to the report's lab, which need not be the lab the user is working in.
  const labId = await markReportReviewed(db, scopeOf(user), parsed.data);
  if (!labId) return { status: "error", message: "That report was not found in your labs." };
  await recordAudit(db, {
    action: "report.reviewed",
    outcome: "allowed",
    userId: user.id,
    labId,
    reportId: parsed.data,
  });
  revalidatePath("/lab-results");
  revalidatePath("/patients");
  return { status: "success", message: "Marked as reviewed." };
}
