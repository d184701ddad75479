"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { updateLabInboxSettings } from "@/db/queries/inbox";
import { administers } from "@/lib/admin/rules";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";

const inboxSettingsSchema = z
  .object({
    labId: z.uuid(),
    criticalSignOffMinutes: z.coerce
      .number({ error: "Enter the critical window in minutes." })
      .int()
      .min(1, { error: "The critical window is at least 1 minute." })
      .max(10_080, { error: "The critical window is at most a week (10080 minutes)." }),
    amberDays: z.coerce.number().int().min(1).max(365),
    redDays: z.coerce.number().int().min(1).max(365),
  })
  .refine((s) => s.redDays > s.amberDays, { error: "Red must start later than amber.", path: ["redDays"] });

/** Saves a lab's results-inbox settings (operators: any lab; admins: their own; audited). */
export async function updateInboxSettingsAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const parsed = inboxSettingsSchema.safeParse({
    labId: formData.get("labId"),
    criticalSignOffMinutes: formData.get("criticalSignOffMinutes"),
    amberDays: formData.get("amberDays"),
    redDays: formData.get("redDays"),
  });
  if (!parsed.success) return { status: "invalid", message: parsed.error.issues[0]?.message ?? "Check the values." };
  const { labId, ...settings } = parsed.data;
  if (!administers(actor, labId)) return { status: "error", message: "That lab is not one you administer." };
  const saved = await updateLabInboxSettings(await getDb(), labId, settings, (tx, previous) =>
    recordAudit(tx, {
      action: "lab.inbox_settings",
      outcome: "allowed",
      userId: actor.id,
      labId,
      details: { from: previous, to: settings },
    }),
  );
  if (!saved) return { status: "error", message: "That lab was not found." };
  revalidatePath(`/admin/labs/${labId}`);
  return { status: "success", message: "Saved." };
}
