import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Counters of the shared Docus rate limit (rate-limiter-flexible's Drizzle store: one row
 * per limiter key, points used in the current window and when the window ends). Shared by
 * every portal instance on the database, so that together they stay under Docus's limits.
 */
export const docusRateLimits = pgTable("docus_rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  expire: timestamp("expire", { withTimezone: true }),
});
