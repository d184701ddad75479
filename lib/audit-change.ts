import "server-only";
import type { Db, Tx } from "@/db";
import { recordAudit } from "@/lib/audit";

/**
 * Records an administrative change once for every lab it concerns, so that each lab's
 * audit export shows it; a change that concerns no lab (an operator without labs) is
 * recorded once without a lab. `details` carries before/after values, never a secret.
 */
export async function recordChange(
  db: Db | Tx,
  input: { action: string; actorId: string; labIds: string[]; details: Record<string, unknown> },
): Promise<void> {
  const labIds = [...new Set(input.labIds)];
  for (const labId of labIds.length > 0 ? labIds : [null]) {
    await recordAudit(db, {
      action: input.action,
      outcome: "allowed",
      userId: input.actorId,
      labId,
      details: input.details,
    });
  }
}
