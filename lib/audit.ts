import "server-only";
import type { Db, Tx } from "@/db";
import { auditEvents, type NewAuditEvent } from "@/db/schema";

export type AuditInput = Omit<NewAuditEvent, "id" | "at">;

/** Appends one event to the audit trail (inside the caller's transaction when given one). */
export async function recordAudit(db: Db | Tx, event: AuditInput): Promise<void> {
  await db.insert(auditEvents).values(event);
}
