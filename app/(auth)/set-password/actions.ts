"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { redeemPasswordLink } from "@/lib/account/passwords";
import type { ActionResult } from "@/lib/errors";
import { invalidFields } from "@/app/invalid-fields";
import { setPasswordSchema } from "@/lib/validations/admin";

/**
 * Sets a password through a one-time link. No session is needed: the link's token is
 * the authority, and it works once within 24 hours.
 */
export async function setPasswordAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const parsed = setPasswordSchema.safeParse({
    token: formData.get("token"),
    password: formData.get("password"),
    confirm: formData.get("confirm"),
  });
  if (!parsed.success) return invalidFields(parsed.error);
  const outcome = await redeemPasswordLink(await getDb(), parsed.data.token, parsed.data.password);
  if (!outcome.ok) {
    return outcome.field === "link"
      ? { status: "error", message: outcome.message }
      : { status: "invalid", message: outcome.message, fieldErrors: { password: [outcome.message] } };
  }
  redirect("/sign-in?reason=password_set");
}
