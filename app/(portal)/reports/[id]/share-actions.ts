"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { scopeOf } from "@/db/queries/scope";
import { requireRole } from "@/lib/account/auth";
import { getEnv } from "@/lib/env";
import type { ActionResult } from "@/lib/errors";
import { clientIp } from "@/lib/request";
import { createShareLink, revokeLink } from "@/lib/share/links";
import { DEFAULT_SHARE_DAYS, MAX_SHARE_DAYS, sharePath } from "@/lib/share/tokens";

/** Share links of a report version: made and revoked by the lab's doctors and admins. */

const createSchema = z.object({
  reportId: z.uuid(),
  audience: z.enum(["physician", "patient"]),
  recipient: z
    .string()
    .trim()
    .max(120, "At most 120 characters.")
    .transform((v) => (v === "" ? null : v)),
  days: z.coerce.number().int().min(1, "At least 1 day.").max(MAX_SHARE_DAYS, `At most ${MAX_SHARE_DAYS} days.`),
  singleUse: z.boolean(),
});

export type CreateShareResult = ActionResult<"audience" | "recipient" | "days"> & {
  /** Shown once: the link and its PIN. */
  created?: { url: string; pin: string; expiresAt: string };
};

async function ipOf(): Promise<string> {
  const h = await headers();
  return clientIp((name) => h.get(name));
}

export async function createShareLinkAction(_state: CreateShareResult, formData: FormData): Promise<CreateShareResult> {
  const user = await requireRole(["doctor", "admin"]);
  const parsed = createSchema.safeParse({
    reportId: formData.get("reportId"),
    audience: formData.get("audience"),
    recipient: formData.get("recipient") ?? "",
    days: formData.get("days") || DEFAULT_SHARE_DAYS,
    singleUse: formData.get("singleUse") === "on",
  });
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as CreateShareResult["fieldErrors"];
    return { status: "invalid", message: "Check the fields marked below.", fieldErrors };
  }
  const outcome = await createShareLink(await getDb(), scopeOf(user), parsed.data, await ipOf());
  if (!outcome.ok) {
    return outcome.reason === "audience_off"
      ? {
          status: "error",
          message:
            parsed.data.audience === "patient"
              ? "Your lab does not allow share links for patients."
              : "Your lab does not allow share links for physicians.",
        }
      : { status: "error", message: "This report was not found." };
  }
  const origin = getEnv().NEXTAUTH_URL.replace(/\/+$/, "") || ((await headers()).get("origin") ?? "");
  revalidatePath(`/reports/${parsed.data.reportId}`);
  return {
    status: "success",
    message: "Link made. Copy it and the PIN now: they are not shown again.",
    created: {
      url: `${origin}${sharePath(outcome.link.token)}`,
      pin: outcome.link.pin,
      expiresAt: outcome.link.expiresAt.toISOString(),
    },
  };
}

const revokeSchema = z.object({ linkId: z.uuid(), reportId: z.uuid() });

export async function revokeShareLinkAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const user = await requireRole(["doctor", "admin"]);
  const parsed = revokeSchema.safeParse({ linkId: formData.get("linkId"), reportId: formData.get("reportId") });
  if (!parsed.success) return { status: "invalid", message: "That link was not found." };
  const revoked = await revokeLink(await getDb(), scopeOf(user), parsed.data.linkId, await ipOf());
  if (!revoked) return { status: "error", message: "That link was not found." };
  revalidatePath(`/reports/${parsed.data.reportId}`);
  return { status: "success", message: "Link revoked: it no longer opens the report." };
}
