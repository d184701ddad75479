import "server-only";
import { and, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import { descNullsLast, type OrderBy } from "./order";
import type { Db } from "@/db";
import { auditEvents, users } from "@/db/schema";
import type { QueryScope } from "./scope";

export type AuditRow = {
  id: number;
  at: Date;
  action: string;
  outcome: "allowed" | "denied" | "failed";
  userEmail: string | null;
  userName: string | null;
  ip: string | null;
  labId: string | null;
  patientId: string | null;
  documentId: string | null;
  reportId: string | null;
  labResultId: string | null;
};

const auditColumns = {
  id: auditEvents.id,
  at: auditEvents.at,
  action: auditEvents.action,
  outcome: auditEvents.outcome,
  userEmail: users.email,
  userName: users.name,
  ip: auditEvents.ip,
  labId: auditEvents.labId,
  patientId: auditEvents.patientId,
  documentId: auditEvents.documentId,
  reportId: auditEvents.reportId,
  labResultId: auditEvents.labResultId,
};

/** The admin's labs' events matching `where`, with who did them; empty when the admin has no labs. */
async function selectAuditEvents(
  db: Db,
  scope: QueryScope,
  where: SQL | undefined,
  order: OrderBy,
  limit: number,
): Promise<AuditRow[]> {
  const { labIds } = scope;
  if (labIds.length === 0) return [];
  return db
    .select(auditColumns)
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(and(inArray(auditEvents.labId, labIds), where))
    .orderBy(order)
    .limit(limit);
}

/** Who accessed this patient's documents and when (newest first), within the admin's labs. */
export function listAuditEventsForPatient(
  db: Db,
  scope: QueryScope,
  patientId: string,
  limit = 200,
): Promise<AuditRow[]> {
  return selectAuditEvents(db, scope, eq(auditEvents.patientId, patientId), descNullsLast(auditEvents.at), limit);
}

/** Who accessed this report and when (newest first), within the admin's labs. */
export function listAuditEventsForReport(
  db: Db,
  scope: QueryScope,
  reportId: string,
  limit = 200,
): Promise<AuditRow[]> {
  return selectAuditEvents(db, scope, eq(auditEvents.reportId, reportId), descNullsLast(auditEvents.at), limit);
}

/** Every event of the admin's labs in [from, to), oldest first, for the CSV export. */
export function listAuditEventsForExport(
  db: Db,
  scope: QueryScope,
  from: Date,
  to: Date,
  limit = 100_000,
): Promise<AuditRow[]> {
  return selectAuditEvents(db, scope, and(gte(auditEvents.at, from), lt(auditEvents.at, to)), auditEvents.at, limit);
}
