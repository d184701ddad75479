"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { setUserActiveForAdmin } from "@/db/queries/users";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/auth";
import type { ActionResult } from "@/lib/errors";

const setActiveSchema = z.object({ userId: z.uuid(), active: z.enum(["true", "false"]).transform((v) => v === "true") });

/** Activates or deactivates a user of the admin's labs; deactivating ends their sessions at once. */
export async function setUserActiveAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const admin = await requireRole("admin");
  const parsed = setActiveSchema.safeParse({ userId: formData.get("userId"), active: formData.get("active") });
  if (!parsed.success) return { status: "invalid", message: "That request was not valid." };
  if (parsed.data.userId === admin.id) return { status: "invalid", message: "You cannot deactivate your own account." };
  const db = await getDb();
  const changed = await setUserActiveForAdmin(db, admin, parsed.data.userId, parsed.data.active);
  if (!changed) return { status: "error", message: "That user was not found in your labs." };
  await recordAudit(db, {
    action: parsed.data.active ? "user.activate" : "user.deactivate",
    outcome: "allowed",
    userId: admin.id,
    details: { targetUserId: parsed.data.userId },
  });
  revalidatePath("/admin");
  return { status: "success", message: parsed.data.active ? "User activated." : "User deactivated; their sessions have ended." };
}
