import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { labResultFlag, labResults } from "./lab-results";
import { labs } from "./labs";
import { interpretationReports } from "./reports";
import { users } from "./users";

/*
 * The doctors' results inbox. Each matched interpretation report version has one inbox
 * entry; it awaits sign-off until a doctor signs that version off or a newer version (an
 * amendment) supersedes it. Ownership (the responsible doctor) lives on the entry and is
 * carried to the next version; "copy to" colleagues are kept per lab result, so that they
 * see every version. Sign-offs are their own table (one per report version).
 */

/** One report version in the inbox: its owner, whether it still awaits sign-off, a follow-up mark. */
export const reportInboxEntries = pgTable(
  "report_inbox_entries",
  {
    reportId: uuid("report_id")
      .primaryKey()
      .references(() => interpretationReports.id, { onDelete: "cascade" }),
    labId: uuid("lab_id")
      .notNull()
      .references(() => labs.id, { onDelete: "restrict" }),
    labResultId: uuid("lab_result_id")
      .notNull()
      .references(() => labResults.id, { onDelete: "restrict" }),
    version: integer("version").notNull(),
    /** The lab result's flag (lab_results.flag), kept here for the inbox's order; changed with it. */
    flag: labResultFlag("flag"),
    /** Copied from interpretation_reports.received_at (the delivery time), for the inbox's order. */
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    /** The responsible doctor; null: unassigned, for any doctor of the lab to take. */
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
    assignedAt: timestamp("assigned_at", { withTimezone: true }),
    /** False once signed off, or once a newer version superseded it. */
    awaitingSignOff: boolean("awaiting_sign_off").notNull().default(true),
    /** "Needs follow-up": the doctor's note, who marked it, when (null: not marked). */
    followUpNote: text("follow_up_note"),
    followUpById: uuid("follow_up_by_id").references(() => users.id, { onDelete: "set null" }),
    followUpAt: timestamp("follow_up_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The inbox query: the lab's entries awaiting sign-off in the inbox's order (critical,
    // abnormal, the rest; oldest first). The expression is the one in db/queries/inbox.ts.
    index("report_inbox_entries_queue_idx")
      .on(t.labId, sql`(case ${t.flag} when 'critical' then 0 when 'abnormal' then 1 else 2 end)`, t.receivedAt)
      .where(sql`${t.awaitingSignOff}`),
    index("report_inbox_entries_owner_idx")
      .on(t.ownerId, t.receivedAt)
      .where(sql`${t.awaitingSignOff}`),
    index("report_inbox_entries_lab_result_idx").on(t.labResultId, t.version),
  ],
);

/** A colleague a lab result's report is copied to: they see it in their inbox without owning it. */
export const reportInboxCopies = pgTable(
  "report_inbox_copies",
  {
    labResultId: uuid("lab_result_id")
      .notNull()
      .references(() => labResults.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    labId: uuid("lab_id")
      .notNull()
      .references(() => labs.id, { onDelete: "restrict" }),
    addedById: uuid("added_by_id").references(() => users.id, { onDelete: "set null" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.labResultId, t.userId] }), index("report_inbox_copies_user_idx").on(t.userId)],
);

/** A report version signed off: who, when, with what comment. One per version. */
export const reportSignOffs = pgTable(
  "report_sign_offs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => interpretationReports.id, { onDelete: "cascade" }),
    labId: uuid("lab_id")
      .notNull()
      .references(() => labs.id, { onDelete: "restrict" }),
    signedOffById: uuid("signed_off_by").references(() => users.id, { onDelete: "set null" }),
    signedOffAt: timestamp("signed_off_at", { withTimezone: true }).notNull().defaultNow(),
    comment: text("comment"),
  },
  (t) => [
    uniqueIndex("report_sign_offs_report_key").on(t.reportId),
    index("report_sign_offs_lab_at_idx").on(t.labId, t.signedOffAt.desc()),
  ],
);

export type ReportInboxEntry = typeof reportInboxEntries.$inferSelect;
export type ReportSignOff = typeof reportSignOffs.$inferSelect;
