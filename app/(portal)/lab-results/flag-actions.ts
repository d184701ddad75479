"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { setLabResultFlag } from "@/db/queries/inbox";
import { scopeOf } from "@/db/queries/scope";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";
import { labResultFlagSchema } from "@/lib/validations/lab-results";

const flagSchema = z.object({ labResultId: z.uuid(), flag: labResultFlagSchema });

/** Changes the lab's flag on a lab result (a technician or admin of its lab; audited with the old and new flag). */
export async function setLabResultFlagAction(_state: ActionResult, formData: FormData): Promise<ActionResult> {
  const user = await requireRole(["technician", "admin"]);
  const parsed = flagSchema.safeParse({
    labResultId: formData.get("labResultId"),
    flag: formData.get("flag") ?? "",
  });
  if (!parsed.success) return { status: "invalid", message: "Choose normal, abnormal or critical, or not flagged." };
  const { labResultId } = parsed.data;
  const flag = parsed.data.flag ?? null;
  const db = await getDb();
  const outcome = await setLabResultFlag(db, scopeOf(user), labResultId, flag, (tx, row) =>
    recordAudit(tx, {
      action: "lab_result.flag",
      outcome: "allowed",
      userId: user.id,
      labId: row.labId,
      labResultId,
      patientId: row.patientId,
      details: { from: row.previous, to: flag },
    }),
  );
  if (!outcome.ok) return { status: "error", message: "That lab result is not in your lab." };
  revalidatePath(`/lab-results/${labResultId}`);
  revalidatePath("/inbox");
  return { status: "success", message: flag ? `Flag set to ${flag}.` : "Flag removed." };
}
