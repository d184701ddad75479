"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { resendFeedMessageAsActor, updateHl7SettingsAsActor } from "@/lib/exports/feed-admin";
import { requireRole } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";
import { invalidFields } from "@/app/invalid-fields";
import { feedResendSchema, hl7SettingsSchema } from "@/lib/validations/exports";

/** Saves a lab's HL7 settings and feed endpoint (operators: any lab; admins: their own). */
export async function updateHl7SettingsAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const parsed = hl7SettingsSchema.safeParse({
    labId: formData.get("labId"),
    hl7SendingApplication: formData.get("hl7SendingApplication"),
    hl7SendingFacility: formData.get("hl7SendingFacility"),
    hl7FeedEnabled: formData.get("hl7FeedEnabled"),
    hl7FeedHost: formData.get("hl7FeedHost"),
    hl7FeedPort: formData.get("hl7FeedPort"),
  });
  if (!parsed.success) return invalidFields(parsed.error);
  const outcome = await updateHl7SettingsAsActor(await getDb(), actor, parsed.data);
  if (!outcome.ok) return { status: "error", message: outcome.message };
  revalidatePath(`/admin/labs/${parsed.data.labId}/hl7`);
  return {
    status: "success",
    message: parsed.data.hl7FeedEnabled
      ? "Saved. Each new report version is sent to the feed from now on."
      : "Saved. The feed is off.",
  };
}

/** Sends a rejected or failed feed message again. */
export async function resendFeedMessageAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const parsed = feedResendSchema.safeParse({ labId: formData.get("labId"), messageId: formData.get("messageId") });
  if (!parsed.success) return { status: "invalid", message: "That request was not valid." };
  const outcome = await resendFeedMessageAsActor(await getDb(), actor, parsed.data);
  if (!outcome.ok) return { status: "error", message: outcome.message };
  revalidatePath(`/admin/labs/${parsed.data.labId}/hl7`);
  return { status: "success", message: "Queued again." };
}
