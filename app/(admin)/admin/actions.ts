"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { setLabTurnaroundHours } from "@/db/queries/labs";
import { setUserActiveForAdmin } from "@/db/queries/users";
import { recordAudit, recordAuditForLabs } from "@/lib/audit";
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
  const sharedLabs = await setUserActiveForAdmin(db, admin, parsed.data.userId, parsed.data.active);
  if (!sharedLabs) return { status: "error", message: "That user was not found in your labs." };
  await recordAuditForLabs(
    db,
    { action: parsed.data.active ? "user.activate" : "user.deactivate", outcome: "allowed", userId: admin.id, details: { targetUserId: parsed.data.userId } },
    sharedLabs,
  );
  revalidatePath("/admin");
  return { status: "success", message: parsed.data.active ? "User activated." : "User deactivated; their sessions have ended." };
}

const turnaroundSchema = z.object({
  labId: z.uuid(),
  hours: z.coerce.number({ error: "Enter a number of hours." }).int({ error: "Enter whole hours." }).min(1, { error: "At least 1 hour." }).max(24 * 60, { error: "At most 1440 hours." }),
});

/** Sets how long an interpretation may take before the dashboard flags it. */
export async function setTurnaroundAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const admin = await requireRole("admin");
  const parsed = turnaroundSchema.safeParse({ labId: formData.get("labId"), hours: formData.get("hours") });
  if (!parsed.success) return { status: "invalid", message: parsed.error.issues[0]?.message ?? "Enter a number of hours." };
  const db = await getDb();
  if (!(await setLabTurnaroundHours(db, admin.id, parsed.data.labId, parsed.data.hours))) {
    return { status: "error", message: "That lab is not one of yours." };
  }
  await recordAudit(db, {
    action: "lab.turnaround",
    outcome: "allowed",
    userId: admin.id,
    labId: parsed.data.labId,
    details: { hours: parsed.data.hours },
  });
  revalidatePath("/admin");
  revalidatePath("/");
  return { status: "success", message: `Saved: ${parsed.data.hours} hours.` };
}
