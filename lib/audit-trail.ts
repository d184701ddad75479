import type { AuditRow } from "@/db/queries/audit";

/** One audit event as an access trail shows it: the fields of the audit queries' rows that it reads. */
export type AuditTrailRow = Pick<AuditRow, "id" | "at" | "action" | "outcome" | "userEmail" | "userName" | "ip">;
