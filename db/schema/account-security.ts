import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * One-time set-password links. Only the SHA-256 of the token is kept; the link itself is
 * shown once to the admin who made it.
 */
export const passwordSetTokens = pgTable(
  "password_set_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdBy: uuid("created_by"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("password_set_tokens_hash_key").on(t.tokenHash),
    index("password_set_tokens_user_idx").on(t.userId),
  ],
);

/** Two-factor recovery codes, hashed with argon2id; each works once. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId)],
);

/** Second-step attempts, kept for the second step's own rate limit. */
export const twoFactorAttempts = pgTable(
  "two_factor_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").notNull(),
    success: boolean("success").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("two_factor_attempts_user_at_idx").on(t.userId, t.at)],
);

export type PasswordSetToken = typeof passwordSetTokens.$inferSelect;
export type RecoveryCode = typeof recoveryCodes.$inferSelect;
