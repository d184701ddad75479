"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { changeOwnPassword } from "@/lib/account/passwords";
import { beginEnrolment, confirmEnrolment } from "@/lib/account/two-factor";
import { requireUser } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";
import { invalidFields } from "@/app/invalid-fields";
import { groupSecret } from "@/lib/account/totp";
import { changePasswordSchema } from "@/lib/validations/admin";

/** Changes the signed-in person's own password; every session ends, this one too. */
export async function changePasswordAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const user = await requireUser({ allowPendingTwoFactor: true });
  const parsed = changePasswordSchema.safeParse({
    currentPassword: formData.get("currentPassword"),
    password: formData.get("password"),
    confirm: formData.get("confirm"),
  });
  if (!parsed.success) return invalidFields(parsed.error);
  const outcome = await changeOwnPassword(await getDb(), user.id, parsed.data.currentPassword, parsed.data.password);
  if (!outcome.ok)
    return { status: "invalid", message: outcome.message, fieldErrors: { [outcome.field]: [outcome.message] } };
  redirect("/sign-in?reason=password_changed");
}

export type EnrolmentResult = ActionResult & { secret?: string; qrDataUrl?: string; recoveryCodes?: string[] };

/** Starts two-factor enrolment: a new secret, as a QR code and as text. */
export async function beginEnrolmentAction(_state: EnrolmentResult, _formData: FormData): Promise<EnrolmentResult> {
  const user = await requireUser({ allowPendingTwoFactor: true });
  const enrolment = await beginEnrolment(await getDb(), user.id);
  if (!enrolment) return { status: "error", message: "Two-factor sign-in is already on for your account." };
  return {
    status: "success",
    secret: groupSecret(enrolment.secret),
    qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(enrolment.qrSvg).toString("base64")}`,
  };
}

const codeSchema = z.object({ code: z.string().trim().min(1, { error: "Enter the code from your app." }).max(20) });

/** Confirms enrolment with a code from the app and hands out the recovery codes, once. */
export async function confirmEnrolmentAction(state: EnrolmentResult, formData: FormData): Promise<EnrolmentResult> {
  const user = await requireUser({ allowPendingTwoFactor: true });
  const parsed = codeSchema.safeParse({ code: formData.get("code") });
  if (!parsed.success) return { ...state, status: "invalid", message: parsed.error.issues[0]?.message };
  const outcome = await confirmEnrolment(await getDb(), user.id, parsed.data.code);
  if (!outcome.ok) return { ...state, status: "invalid", message: outcome.message };
  return { status: "success", message: "Two-factor sign-in is on.", recoveryCodes: outcome.recoveryCodes };
}
