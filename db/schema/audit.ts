import { bigserial, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const auditOutcomes = ["allowed", "denied", "failed"] as const;
export const auditOutcome = pgEnum("audit_outcome", auditOutcomes);

/**
 * Append-only record of who did what. UPDATE, DELETE and TRUNCATE are refused by a
 * trigger (see the migration), not only by code. Ids are kept as plain values, without
 * foreign keys, so that the trail outlives the rows it speaks of.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    userId: uuid("user_id"),
    labId: uuid("lab_id"),
    patientId: uuid("patient_id"),
    documentId: uuid("document_id"),
    reportId: uuid("report_id"),
    labResultId: uuid("lab_result_id"),
    /** e.g. sign_in, sign_out, report.view, report.download, user.create */
    action: text("action").notNull(),
    outcome: auditOutcome("outcome").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: jsonb("details").$type<Record<string, unknown>>(),
  },
  (t) => [
    index("audit_events_at_idx").on(t.at.desc()),
    index("audit_events_lab_at_idx").on(t.labId, t.at.desc()),
    index("audit_events_patient_idx").on(t.patientId, t.at.desc()),
    index("audit_events_report_idx").on(t.reportId, t.at.desc()),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
