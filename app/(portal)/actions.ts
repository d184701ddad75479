"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { CURRENT_LAB_COOKIE, requireUser } from "@/lib/auth";
import { sessionCookieIsSecure } from "@/lib/auth-options";
import type { ActionResult } from "@/lib/errors";

const switchLabSchema = z.object({ labId: z.uuid() });

/** Makes another of the user's labs the current one. */
export async function switchLabAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const user = await requireUser();
  const parsed = switchLabSchema.safeParse({ labId: formData.get("labId") });
  if (!parsed.success || !user.labIds.includes(parsed.data.labId)) {
    return { status: "invalid", message: "That lab is not one of yours." };
  }
  (await cookies()).set(CURRENT_LAB_COOKIE, parsed.data.labId, {
    httpOnly: true,
    sameSite: "lax",
    secure: sessionCookieIsSecure(),
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  });
  revalidatePath("/", "layout");
  return { status: "success" };
}
