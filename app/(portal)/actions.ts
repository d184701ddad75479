"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { revokeAllSessions } from "@/db/queries/users";
import { recordAuditForLabs } from "@/lib/audit";
import { CURRENT_LAB_COOKIE, requireUser } from "@/lib/account/auth";
import { SIGN_IN_PATH, sessionCookieIsSecure } from "@/lib/account/auth-options";
import type { ActionResult } from "@/lib/errors";

const switchLabSchema = z.object({ labId: z.uuid() });

/** Makes another of the user's labs the current one. */
export async function switchLabAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const user = await requireUser();
  const parsed = switchLabSchema.safeParse({ labId: formData.get("labId") });
  // Any lab the user belongs to (user.labIds is only the current one).
  if (!parsed.success || !user.labs.some((lab) => lab.id === parsed.data.labId)) {
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

/**
 * Ends every session of the signed-in user, on every device (this one included): each
 * server-side session row is revoked, so every copy of every cookie is refused.
 */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await requireUser();
  const db = await getDb();
  const ended = await revokeAllSessions(db, user.id);
  await recordAuditForLabs(
    db,
    { action: "auth.sign_out_everywhere", outcome: "allowed", userId: user.id, details: { sessions: ended } },
    user.labs.map((lab) => lab.id),
  );
  redirect(SIGN_IN_PATH);
}
