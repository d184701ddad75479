"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { createLabAsActor, setLabActiveAsActor, updateLabAsActor } from "@/lib/admin/labs";
import { requireRole } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";
import { invalidFields } from "@/app/invalid-fields";
import { labActiveSchema, labSettingsSchema, updateLabSchema } from "@/lib/validations/admin";

function settingsFrom(formData: FormData) {
  return {
    name: formData.get("name"),
    partnerLabId: formData.get("partnerLabId"),
    turnaroundHours: formData.get("turnaroundHours"),
    defaultUploadMode: formData.get("defaultUploadMode"),
    requireTwoFactor: formData.get("requireTwoFactor"),
    wrongPatientGuard: formData.getAll("wrongPatientGuard").at(-1) ?? null,
    shareLinksPhysicians: formData.getAll("shareLinksPhysicians").at(-1) ?? null,
    shareLinksPatients: formData.getAll("shareLinksPatients").at(-1) ?? null,
  };
}

/** Creates a lab (operators only). */
export async function createLabAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const parsed = labSettingsSchema.safeParse(settingsFrom(formData));
  if (!parsed.success) return invalidFields(parsed.error);
  const outcome = await createLabAsActor(await getDb(), actor, parsed.data);
  if (!outcome.ok) return { status: "error", message: outcome.message };
  revalidatePath("/admin/labs");
  return { status: "success", message: `${parsed.data.name} was created. Add its first admin on the people page.` };
}

/** Saves a lab's settings (operators: any lab; admins: their own). */
export async function updateLabAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const settings = settingsFrom(formData);
  const parsed = updateLabSchema.safeParse({
    ...settings,
    partnerLabId: settings.partnerLabId ?? undefined,
    labId: formData.get("labId"),
  });
  if (!parsed.success) return invalidFields(parsed.error);
  const outcome = await updateLabAsActor(await getDb(), actor, parsed.data);
  if (!outcome.ok) return { status: "error", message: outcome.message };
  revalidatePath("/admin/labs");
  revalidatePath("/admin");
  return {
    status: "success",
    message: outcome.partnerLabIdChanged
      ? "Saved. The partner lab id changed: reports Docus already owes for earlier submissions still carry the old id and will wait as unmatched until attached by hand."
      : "Saved.",
  };
}

/** Deactivates or reactivates a lab. */
export async function setLabActiveAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const parsed = labActiveSchema.safeParse({ labId: formData.get("labId"), active: formData.get("active") });
  if (!parsed.success) return { status: "invalid", message: "That request was not valid." };
  const outcome = await setLabActiveAsActor(await getDb(), actor, parsed.data);
  if (!outcome.ok) return { status: "error", message: outcome.message };
  revalidatePath("/admin/labs");
  return {
    status: "success",
    message: parsed.data.active
      ? "The lab takes uploads again."
      : "Deactivated: no new uploads; its data stays readable.",
  };
}
