import "server-only";
import type { Db, Tx } from "@/db";
import { auditEvents, type NewAuditEvent } from "@/db/schema";

export type AuditInput = Omit<NewAuditEvent, "id" | "at">;

/** Appends one event to the audit trail (inside the caller's transaction when given one). */
export async function recordAudit(db: Db | Tx, event: AuditInput): Promise<void> {
  await db.insert(auditEvents).values(event);
}

/**
 * Appends an event that concerns several labs (a person's sign-in, a change to an account
 * that belongs to several labs) once per lab, so that each lab's trail and export has
 * it; with no lab, once without one.
 */
export async function recordAuditForLabs(
  db: Db | Tx,
  event: Omit<AuditInput, "labId">,
  labIds: string[],
): Promise<void> {
  const rows = labIds.length > 0 ? labIds.map((labId) => ({ ...event, labId })) : [{ ...event, labId: null }];
  await db.insert(auditEvents).values(rows);
}

/**
 * The one event of a denied attempt to open a document: an id of another lab, or no such
 * id. It is recorded against the requester's own lab, whose admins see it.
 */
export async function recordDeniedAccess(
  db: Db | Tx,
  {
    action,
    userId,
    labId,
    ip,
    requestedId,
  }: { action: string; userId: string; labId: string | null; ip: string; requestedId: string },
): Promise<void> {
  await recordAudit(db, {
    action,
    outcome: "denied",
    userId,
    labId,
    ip,
    details: { requestedId: requestedId.slice(0, 64) },
  });
}
