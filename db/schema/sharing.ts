import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { interpretationReports } from "./reports";
import { labs } from "./labs";
import { users } from "./users";

/**
 * What changed between report versions, and share links to one report version.
 */

/**
 * A report's text as the delivery's text check read it (lib/pdf/text.ts, in the parse
 * worker pool), kept so that a later version is compared against it without reading the
 * PDF again. `kind`: "text", "no_text" or "unreadable" (then `text` is empty).
 */
export const reportTexts = pgTable("report_texts", {
  reportId: uuid("report_id")
    .primaryKey()
    .references(() => interpretationReports.id, { onDelete: "cascade" }),
  kind: text("kind", { enum: ["text", "no_text", "unreadable"] }).notNull(),
  text: text("text").notNull().default(""),
  /** Reading stopped at the page or character limit. */
  truncated: boolean("truncated").notNull().default(false),
  extractedAt: timestamp("extracted_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One part of a stored diff: unchanged, added or removed text, or an unchanged stretch left out. */
export type DiffPart =
  | { op: "same"; text: string }
  | { op: "added"; text: string }
  | { op: "removed"; text: string }
  | { op: "skipped"; chars: number };

/**
 * The text diff between two versions of one lab result's report ("from" any earlier
 * version, "to" a later one), computed once by a job when the later version is stored.
 * `state`: pending (being compared), ready, or failed (with a reason in a reader's words).
 */
export const reportDiffs = pgTable(
  "report_diffs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    labId: uuid("lab_id").references(() => labs.id, { onDelete: "restrict" }),
    fromReportId: uuid("from_report_id")
      .notNull()
      .references(() => interpretationReports.id, { onDelete: "cascade" }),
    toReportId: uuid("to_report_id")
      .notNull()
      .references(() => interpretationReports.id, { onDelete: "cascade" }),
    state: text("state", { enum: ["pending", "ready", "failed"] })
      .notNull()
      .default("pending"),
    /** Ready: whether any word differs (false: only the layout changed). */
    changed: boolean("changed"),
    wordsAdded: integer("words_added"),
    wordsRemoved: integer("words_removed"),
    parts: jsonb("parts").$type<DiffPart[]>(),
    /** Ready but shown only in part: a text was cut at the reading limit, or the diff was too large. */
    partial: boolean("partial").notNull().default(false),
    failureReason: text("failure_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    computedAt: timestamp("computed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("report_diffs_pair_key").on(t.fromReportId, t.toReportId),
    index("report_diffs_to_idx").on(t.toReportId),
  ],
);

export const shareAudiences = ["physician", "patient"] as const;
export type ShareAudience = (typeof shareAudiences)[number];

/**
 * A link to one report version for an outside physician or the patient. Only the SHA-256
 * of the link's token and an argon2id hash of its PIN are kept; both are shown once.
 */
export const shareLinks = pgTable(
  "share_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    labId: uuid("lab_id")
      .notNull()
      .references(() => labs.id, { onDelete: "restrict" }),
    reportId: uuid("report_id")
      .notNull()
      .references(() => interpretationReports.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    pinHash: text("pin_hash").notNull(),
    audience: text("audience", { enum: shareAudiences }).notNull(),
    /** Who it is for, in the doctor's words (optional, shown only in the portal). */
    recipient: text("recipient"),
    singleUse: boolean("single_use").notNull().default(false),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    failedPins: integer("failed_pins").notNull().default(0),
    lockedAt: timestamp("locked_at", { withTimezone: true }),
    /** A single-use link: when the right PIN spent it. */
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedById: uuid("revoked_by_id").references(() => users.id, { onDelete: "set null" }),
    createdById: uuid("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("share_links_token_hash_key").on(t.tokenHash), index("share_links_report_idx").on(t.reportId)],
);

export type ReportText = typeof reportTexts.$inferSelect;
export type ReportDiff = typeof reportDiffs.$inferSelect;
export type ShareLink = typeof shareLinks.$inferSelect;
