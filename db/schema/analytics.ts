import { doublePrecision, integer, pgTable, primaryKey, smallint, timestamp, uuid, date } from "drizzle-orm/pg-core";
import { labs } from "./labs";

/**
 * The turnaround figures of one lab's COMPLETED weeks, per stage (db/queries/analytics.ts).
 * A stage's span belongs to the week (UTC, named by its Monday) in which it ended, so a
 * completed week's figures never change: the analytics query computes a week missing here
 * once, inserts it (on conflict do nothing: two instances computing it at once is
 * harmless) and reads it from here afterwards; only the current week is computed live.
 *
 * "Within target" depends on the lab's turnaround target, so the target the row was
 * computed for is part of the key: after the target changes the week is computed again
 * for the new target (rows of an earlier target stay, unread, until it is set again).
 * Every recorded stage has a row for a computed week, count 0 (no percentiles) included,
 * so "the week is here" means "the week was computed".
 */
export const analyticsWeekFigures = pgTable(
  "analytics_week_figures",
  {
    labId: uuid("lab_id")
      .notNull()
      .references(() => labs.id, { onDelete: "cascade" }),
    /** The lab's turnaround target (labs.turnaround_hours) the within-target count is for. */
    targetHours: integer("target_hours").notNull(),
    /** The week's Monday (UTC). */
    weekStart: date("week_start").notNull(),
    /** The stage's index in turnaroundStageKeys (db/queries/analytics.ts). */
    stage: smallint("stage").notNull(),
    count: integer("count").notNull(),
    withinTarget: integer("within_target").notNull(),
    /** percentile_cont(0.5 | 0.9 | 0.95) of the span lengths in seconds; null without spans. */
    medianSeconds: doublePrecision("median_seconds"),
    p90Seconds: doublePrecision("p90_seconds"),
    p95Seconds: doublePrecision("p95_seconds"),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.labId, t.targetHours, t.weekStart, t.stage] })],
);
