"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { createPerson, resetPassword, setPersonActive, updatePerson, type Outcome } from "@/lib/admin/people";
import { passwordLinkPath } from "@/lib/account/password-links";
import { resetTwoFactor } from "@/lib/admin/people";
import { requireRole } from "@/lib/account/auth";
import { getEnv } from "@/lib/env";
import type { ActionResult } from "@/lib/errors";
import { invalidFields } from "@/app/invalid-fields";
import { createPersonSchema, updatePersonSchema, userIdSchema } from "@/lib/validations/admin";
import { z } from "zod";

/** A result that may carry a set-password link, shown once. */
export type LinkActionResult = ActionResult & { link?: string };

function absoluteLink(token: string): string {
  return new URL(passwordLinkPath(token), getEnv().NEXTAUTH_URL).toString();
}

function refused(outcome: Extract<Outcome, { ok: false }>): ActionResult {
  return { status: outcome.reason === "invalid" ? "invalid" : "error", message: outcome.message };
}

/** Creates a person and returns their one-time set-password link. */
export async function createPersonAction(_state: LinkActionResult, formData: FormData): Promise<LinkActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const parsed = createPersonSchema.safeParse({
    name: formData.get("name"),
    email: formData.get("email"),
    role: formData.get("role"),
    labIds: formData.getAll("labIds"),
  });
  if (!parsed.success) return invalidFields(parsed.error);
  const outcome = await createPerson(await getDb(), actor, parsed.data);
  if (!outcome.ok) return refused(outcome);
  revalidatePath("/admin/people");
  return {
    status: "success",
    message: `${parsed.data.email} was created. Hand over this set-password link; it is shown only now and is valid for 24 hours.`,
    link: absoluteLink(outcome.token),
  };
}

/** The person edit form's memberships: one `role:<labId>` field per lab shown ("" = not a member). */
function membershipsFrom(formData: FormData): { labId: string; role: string }[] {
  const memberships: { labId: string; role: string }[] = [];
  for (const [key, value] of formData.entries()) {
    if (!key.startsWith("role:") || typeof value !== "string" || value === "") continue;
    memberships.push({ labId: key.slice("role:".length), role: value });
  }
  return memberships;
}

/** Changes a person's memberships and role per lab (within the labs the actor administers). */
export async function updatePersonAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const operatorField = formData.getAll("operator").at(-1);
  const parsed = updatePersonSchema.safeParse({
    userId: formData.get("userId"),
    memberships: membershipsFrom(formData),
    isOperator: operatorField === undefined ? undefined : operatorField === "on",
  });
  if (!parsed.success) return { status: "invalid", message: "That request was not valid." };
  const outcome = await updatePerson(await getDb(), actor, parsed.data);
  if (!outcome.ok) return refused(outcome);
  revalidatePath("/admin/people");
  return { status: "success", message: "Saved." };
}

const activeSchema = userIdSchema.extend({ active: z.enum(["true", "false"]).transform((v) => v === "true") });

/** Deactivates (ending their sessions at once) or reactivates a person. */
export async function setPersonActiveAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const parsed = activeSchema.safeParse({ userId: formData.get("userId"), active: formData.get("active") });
  if (!parsed.success) return { status: "invalid", message: "That request was not valid." };
  const outcome = await setPersonActive(await getDb(), actor, parsed.data);
  if (!outcome.ok) return refused(outcome);
  revalidatePath("/admin/people");
  return {
    status: "success",
    message: parsed.data.active ? "Reactivated." : "Deactivated; their sessions have ended.",
  };
}

/** Resets a person's password: returns a new one-time link and ends their sessions. */
export async function resetPasswordAction(_state: LinkActionResult, formData: FormData): Promise<LinkActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const parsed = userIdSchema.safeParse({ userId: formData.get("userId") });
  if (!parsed.success) return { status: "invalid", message: "That request was not valid." };
  const outcome = await resetPassword(await getDb(), actor, parsed.data.userId);
  if (!outcome.ok) return refused(outcome);
  revalidatePath("/admin/people");
  return {
    status: "success",
    message: `The password of ${outcome.email} no longer works and their sessions have ended. Hand over this link; it is shown only now and is valid for 24 hours.`,
    link: absoluteLink(outcome.token),
  };
}

/** Removes a person's second factor (a lost phone); ends their sessions. */
export async function resetTwoFactorAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireRole(["admin", "operator"]);
  const parsed = userIdSchema.safeParse({ userId: formData.get("userId") });
  if (!parsed.success) return { status: "invalid", message: "That request was not valid." };
  const outcome = await resetTwoFactor(await getDb(), actor, parsed.data.userId);
  if (!outcome.ok) return refused(outcome);
  revalidatePath("/admin/people");
  return {
    status: "success",
    message:
      "Two-factor sign-in was removed and their sessions have ended. They set it up again at their next sign-in.",
  };
}
