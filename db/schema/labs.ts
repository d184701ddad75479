import { boolean, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { labResultModes } from "@/lib/domain";

/** The same enum as lab_results.mode (declared here too so that labs need not import lab results). */
const labDefaultMode = pgEnum("lab_result_mode", labResultModes);

/** A reference laboratory served by this portal (one row per lab of a LIS integration). */
export const labs = pgTable(
  "labs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** Sent to Docus on each submission and echoed back on delivery; routes reports. */
    partnerLabId: text("partner_lab_id"),
    /** Hours after which a submission still waiting for a report is flagged. */
    turnaroundHours: integer("turnaround_hours").notNull().default(48),
    /** The upload form's preselected mode. */
    defaultUploadMode: labDefaultMode("default_upload_mode").notNull().default("interpret"),
    /** Every member must use two-factor sign-in, not only admins and operators. */
    requireTwoFactor: boolean("require_two_factor").notNull().default(false),
    /** Hold an upload whose PDF text names neither its patient id nor its accession number. */
    wrongPatientGuard: boolean("wrong_patient_guard").notNull().default(true),
    /** HL7 v2 exports: MSH-3 (sending application) and MSH-4 (sending facility); null: the defaults. */
    hl7SendingApplication: text("hl7_sending_application"),
    hl7SendingFacility: text("hl7_sending_facility"),
    /** The outbound HL7 feed: each new report version's ORU^R01 to this MLLP endpoint, when enabled. */
    hl7FeedEnabled: boolean("hl7_feed_enabled").notNull().default(false),
    hl7FeedHost: text("hl7_feed_host"),
    hl7FeedPort: integer("hl7_feed_port"),
    /** Share links to a report version: for outside physicians (on) and for patients (off). */
    shareLinksPhysicians: boolean("share_links_physicians").notNull().default(true),
    shareLinksPatients: boolean("share_links_patients").notNull().default(false),
    /** Inbox: a critical report not signed off this many minutes after delivery is escalated. */
    criticalSignOffMinutes: integer("critical_sign_off_minutes").notNull().default(60),
    /** Inbox: a report waiting this many days for sign-off is shown amber, and red from the second. */
    inboxAmberDays: integer("inbox_amber_days").notNull().default(7),
    inboxRedDays: integer("inbox_red_days").notNull().default(14),
    /** A deactivated lab takes no new uploads; its data stays readable. */
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("labs_name_key").on(t.name), uniqueIndex("labs_partner_lab_id_key").on(t.partnerLabId)],
);

export type Lab = typeof labs.$inferSelect;
export type NewLab = typeof labs.$inferInsert;
