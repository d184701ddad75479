import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { reportTextChecks } from "@/lib/domain";
import { documents } from "./documents";
import { labResults } from "./lab-results";
import { labs } from "./labs";
import { patients } from "./patients";
import { users } from "./users";

export const reportMatchStates = ["matched", "unmatched"] as const;
export const reportMatchState = pgEnum("report_match_state", reportMatchStates);
export const reportTextCheck = pgEnum("report_text_check", reportTextChecks);

/** An interpretation report PDF delivered by Docus. */
export const interpretationReports = pgTable(
  "interpretation_reports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Null when the delivery named a partner lab id we do not know (triage). */
    labId: uuid("lab_id").references(() => labs.id, { onDelete: "restrict" }),
    patientId: uuid("patient_id").references(() => patients.id, { onDelete: "restrict" }),
    labResultId: uuid("lab_result_id").references(() => labResults.id, { onDelete: "restrict" }),
    matchState: reportMatchState("match_state").notNull(),
    /** As delivered: the accession / reference id, patient id and partner lab id. */
    referenceId: text("reference_id"),
    deliveredPatientId: text("delivered_patient_id").notNull(),
    partnerLabId: text("partner_lab_id"),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "restrict" }),
    version: integer("version").notNull().default(1),
    supersedesId: uuid("supersedes_id").references((): AnyPgColumn => interpretationReports.id, {
      onDelete: "set null",
    }),
    /** webhook-id, or a hash of (lab, reference id, patient id, PDF SHA-256). */
    idempotencyKey: text("idempotency_key").notNull(),
    /** Unknown extra fields of the delivery, kept rather than rejected. */
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    attachedById: uuid("attached_by_id").references(() => users.id, { onDelete: "set null" }),
    attachedAt: timestamp("attached_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /** The check of the report's text for another patient's id (null: not checked yet). */
    textCheck: reportTextCheck("text_check"),
    /** The other patient id the text names, when textCheck is other_patient. */
    textCheckOtherPatientId: text("text_check_other_patient_id"),
    /** What the check found, in a reader's words. */
    textCheckReason: text("text_check_reason"),
    /**
     * When anyone first opened it (the earliest report_read_marks.first_read_at of the
     * report; null: no one has): the end of the "delivered -> first opened" stage and the
     * backlog's "not opened yet" (turnaround analytics). Kept by the database: a trigger on
     * report_read_marks keeps it (migration 0015), whatever writes the marks.
     */
    firstOpenedAt: timestamp("first_opened_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("interpretation_reports_idempotency_key").on(t.idempotencyKey),
    index("interpretation_reports_lab_result_idx").on(t.labResultId, t.version.desc()),
    // Two reports delivered at once for one lab result must not both become version N.
    uniqueIndex("interpretation_reports_lab_result_version_key").on(t.labResultId, t.version),
    index("interpretation_reports_patient_idx").on(t.patientId, t.receivedAt.desc()),
    index("interpretation_reports_lab_received_idx").on(t.labId, t.receivedAt.desc()),
    index("interpretation_reports_match_idx").on(t.matchState, t.receivedAt.desc()),
    // The reports first opened in a period, and a lab's reports no one has opened (analytics).
    index("interpretation_reports_lab_first_opened_idx")
      .on(t.labId, t.firstOpenedAt)
      .where(sql`${t.firstOpenedAt} is not null`),
    index("interpretation_reports_lab_unopened_idx")
      .on(t.labId)
      .where(sql`${t.firstOpenedAt} is null`),
  ],
);

/** Per-user read / reviewed marks, so each user sees which reports are new to them. */
export const reportReadMarks = pgTable(
  "report_read_marks",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reportId: uuid("report_id")
      .notNull()
      .references(() => interpretationReports.id, { onDelete: "cascade" }),
    firstReadAt: timestamp("first_read_at", { withTimezone: true }).notNull().defaultNow(),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.reportId] }),
    // Who opened a report and when, earliest first (the trigger of migration 0015 keeps the
    // earliest on the report itself, interpretation_reports.first_opened_at).
    index("report_read_marks_report_first_read_idx").on(t.reportId, t.firstReadAt),
  ],
);

export type InterpretationReport = typeof interpretationReports.$inferSelect;
export type NewInterpretationReport = typeof interpretationReports.$inferInsert;
export type ReportReadMark = typeof reportReadMarks.$inferSelect;
