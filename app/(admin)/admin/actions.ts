"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { setLabTurnaroundHours } from "@/db/queries/labs";
import { setPersonActive } from "@/lib/admin/people";
import { administers, administrationScope } from "@/lib/admin/rules";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";

const setActiveSchema = z.object({
  userId: z.uuid(),
  active: z.enum(["true", "false"]).transform((v) => v === "true"),
});

/**
 * Activates or deactivates a user of the admin's labs; deactivating ends their sessions at
 * once. The same rules as the people page apply (never the last admin of a lab).
 */
export async function setUserActiveAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const admin = await requireRole(["admin", "operator"]);
  const parsed = setActiveSchema.safeParse({ userId: formData.get("userId"), active: formData.get("active") });
  if (!parsed.success) return { status: "invalid", message: "That request was not valid." };
  const outcome = await setPersonActive(await getDb(), admin, parsed.data);
  if (!outcome.ok) return { status: outcome.reason === "invalid" ? "invalid" : "error", message: outcome.message };
  revalidatePath("/admin");
  return {
    status: "success",
    message: parsed.data.active ? "User activated." : "User deactivated; their sessions have ended.",
  };
}

const turnaroundSchema = z.object({
  labId: z.uuid(),
  hours: z.coerce
    .number({ error: "Enter a number of hours." })
    .int({ error: "Enter whole hours." })
    .min(1, { error: "At least 1 hour." })
    .max(24 * 60, { error: "At most 1440 hours." }),
});

/** Sets how long an interpretation may take before the dashboard flags it. */
export async function setTurnaroundAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const admin = await requireRole("admin");
  const parsed = turnaroundSchema.safeParse({ labId: formData.get("labId"), hours: formData.get("hours") });
  if (!parsed.success)
    return { status: "invalid", message: parsed.error.issues[0]?.message ?? "Enter a number of hours." };
  const db = await getDb();
  // Only in a lab the admin administers (a membership with another role is not enough).
  if (
    !administers(admin, parsed.data.labId) ||
    !(await setLabTurnaroundHours(
      db,
      administrationScope(admin, admin.currentLab?.id ?? null),
      parsed.data.labId,
      parsed.data.hours,
    ))
  ) {
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
