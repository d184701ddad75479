import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { labs } from "./labs";
import { interpretationReports } from "./reports";

export const hl7FeedStatuses = ["queued", "sending", "sent", "rejected", "failed"] as const;
export type Hl7FeedStatus = (typeof hl7FeedStatuses)[number];
export const hl7FeedStatus = pgEnum("hl7_feed_status", hl7FeedStatuses);

/**
 * One ORU^R01 of the lab's outbound HL7 feed: one per interpretation report version. The
 * message itself is built when it is sent (from the report), so that no patient data
 * waits in the queue; this row keeps its state, the ACK and the attempts.
 */
export const hl7FeedMessages = pgTable(
  "hl7_feed_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    labId: uuid("lab_id")
      .notNull()
      .references(() => labs.id, { onDelete: "restrict" }),
    reportId: uuid("report_id")
      .notNull()
      .references(() => interpretationReports.id, { onDelete: "restrict" }),
    /** MSH-10, the message control id the ACK names (MSA-2); the same on every retry. */
    controlId: text("control_id").notNull(),
    /** queued (waiting or retrying), sending, sent (AA/CA), rejected (AR/CR: not retried), failed (gave up). */
    status: hl7FeedStatus("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    /** The ACK's code (MSA-1) and text (MSA-3 / ERR), or why the send failed; never message content. */
    ackCode: text("ack_code"),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("hl7_feed_messages_report_key").on(t.reportId),
    uniqueIndex("hl7_feed_messages_control_id_key").on(t.controlId),
    index("hl7_feed_messages_lab_created_idx").on(t.labId, t.createdAt.desc()),
    index("hl7_feed_messages_status_idx").on(t.status, t.nextAttemptAt),
  ],
);

export type Hl7FeedMessage = typeof hl7FeedMessages.$inferSelect;
