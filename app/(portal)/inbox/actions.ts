"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { assignReport, copyReportTo, setFollowUp, signOffReport, type LockedEntry } from "@/db/queries/inbox";
import { scopeOf } from "@/db/queries/scope";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";
import type { Tx } from "@/db";

/*
 * The inbox's actions. Each passes the one gate with the caller's role in the current
 * lab, and the query finds the report only in that lab (another lab's id is "not found").
 * Every change is audited in its transaction.
 */

const NOT_FOUND: ActionResult = { status: "error", message: "That report is not in your lab's inbox." };

const signOffSchema = z.object({
  reportId: z.uuid(),
  comment: z
    .string()
    .trim()
    .max(2000, { error: "A comment is at most 2000 characters." })
    .optional()
    .transform((v) => (v ? v : null)),
});

function field(formData: FormData, name: string): string | undefined {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
}

function audit(userId: string, action: string, details: Record<string, unknown> = {}) {
  return (tx: Tx, entry: LockedEntry) =>
    recordAudit(tx, {
      action,
      outcome: "allowed",
      userId,
      labId: entry.labId,
      reportId: entry.reportId,
      labResultId: entry.labResultId,
      patientId: entry.patientId,
      details: { version: entry.version, ...details },
    });
}

function revalidate(reportId: string) {
  revalidatePath("/inbox");
  revalidatePath("/");
  revalidatePath(`/reports/${reportId}`);
}

/** Signs off one report version (a doctor of the report's lab; once per version). */
export async function signOffReportAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const user = await requireRole("doctor");
  const parsed = signOffSchema.safeParse({
    reportId: field(formData, "reportId"),
    comment: field(formData, "comment"),
  });
  if (!parsed.success)
    return { status: "invalid", message: parsed.error.issues[0]?.message ?? "Check the comment and try again." };
  const { reportId, comment } = parsed.data;
  const db = await getDb();
  const outcome = await signOffReport(
    db,
    scopeOf(user),
    reportId,
    comment,
    audit(user.id, "report.sign_off", { comment: comment !== null }),
  );
  if (!outcome.ok) {
    if (outcome.reason === "already_signed_off")
      return { status: "error", message: "This version has already been signed off." };
    if (outcome.reason === "superseded")
      return { status: "error", message: "A newer version of this report has arrived; sign that one off instead." };
    return NOT_FOUND;
  }
  revalidate(reportId);
  return { status: "success", message: `Version ${outcome.entry.version} signed off.` };
}

const assignSchema = z.object({
  reportId: z.uuid(),
  /** A doctor's id, "me", or "" for unassigned. */
  to: z.union([z.uuid(), z.literal("me"), z.literal("")]),
});

/** Moves responsibility for a report to a doctor of the lab, to the caller ("take"), or back to unassigned. */
export async function assignReportAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const user = await requireRole(["doctor", "admin"]);
  const parsed = assignSchema.safeParse({ reportId: field(formData, "reportId"), to: field(formData, "to") ?? "" });
  if (!parsed.success) return { status: "invalid", message: "Choose a doctor of the lab." };
  const { reportId } = parsed.data;
  const to = parsed.data.to === "me" ? user.id : parsed.data.to === "" ? null : parsed.data.to;
  if (parsed.data.to === "me" && user.role !== "doctor")
    return { status: "invalid", message: "Only a doctor can take a report." };
  const db = await getDb();
  const outcome = await assignReport(db, scopeOf(user), reportId, to, (tx, entry) =>
    audit(user.id, "report.assign", { from: entry.ownerId, to })(tx, entry),
  );
  if (!outcome.ok) {
    if (outcome.reason === "not_a_doctor")
      return { status: "invalid", message: "That person is not a doctor of this lab." };
    if (outcome.reason === "signed_off")
      return { status: "error", message: "This version is signed off; there is nothing left to assign." };
    return NOT_FOUND;
  }
  revalidate(reportId);
  return {
    status: "success",
    message:
      to === null ? "The report is now unassigned." : to === user.id ? "The report is now yours." : "Reassigned.",
  };
}

const copySchema = z.object({ reportId: z.uuid(), userId: z.uuid({ error: "Choose a colleague." }) });

/** Copies a report to a colleague: they see it in their inbox; the owner stays responsible. */
export async function copyReportAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const user = await requireRole("doctor");
  const parsed = copySchema.safeParse({ reportId: field(formData, "reportId"), userId: field(formData, "userId") });
  if (!parsed.success) return { status: "invalid", message: "Choose a colleague." };
  const { reportId, userId } = parsed.data;
  const db = await getDb();
  const outcome = await copyReportTo(
    db,
    scopeOf(user),
    reportId,
    userId,
    audit(user.id, "report.copy_to", { to: userId }),
  );
  if (!outcome.ok) {
    if (outcome.reason === "not_a_doctor")
      return { status: "invalid", message: "That person is not a doctor of this lab." };
    if (outcome.reason === "is_owner") return { status: "invalid", message: "That doctor already owns this report." };
    return NOT_FOUND;
  }
  revalidate(reportId);
  return { status: "success", message: outcome.added ? "Copied." : "Already copied to that colleague." };
}

const followUpSchema = z.object({
  reportId: z.uuid(),
  note: z.string().trim().max(2000, { error: "A note is at most 2000 characters." }),
  clear: z.enum(["0", "1"]).optional(),
});

/** Marks a report version "needs follow-up" with a note, or clears the mark. */
export async function followUpReportAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const user = await requireRole("doctor");
  const parsed = followUpSchema.safeParse({
    reportId: field(formData, "reportId"),
    note: field(formData, "note") ?? "",
    clear: field(formData, "clear"),
  });
  if (!parsed.success) return { status: "invalid", message: parsed.error.issues[0]?.message ?? "Check the note." };
  const clear = parsed.data.clear === "1";
  if (!clear && !parsed.data.note) return { status: "invalid", message: "Write what needs following up." };
  const { reportId } = parsed.data;
  const db = await getDb();
  const outcome = await setFollowUp(
    db,
    scopeOf(user),
    reportId,
    clear ? null : parsed.data.note,
    audit(user.id, clear ? "report.follow_up_clear" : "report.follow_up"),
  );
  if (!outcome.ok) return NOT_FOUND;
  revalidate(reportId);
  return { status: "success", message: clear ? "Follow-up mark cleared." : "Marked as needing follow-up." };
}
