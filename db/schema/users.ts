import {
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { labRoles } from "@/lib/domain";
import { labs } from "./labs";

export { userRoles, type UserRole } from "@/lib/domain";
export { labRoles, type LabRole } from "@/lib/domain";
export const labRole = pgEnum("lab_role", labRoles);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Stored lower-cased; sign-in compares lower-cased input. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** The platform operator (every lab's administration, no patient data by itself); lab roles are on memberships. */
    isOperator: boolean("is_operator").notNull().default(false),
    active: boolean("active").notNull().default(true),
    /** Bumped to end every session of the user (deactivation, password change). */
    sessionVersion: integer("session_version").notNull().default(1),
    /** Created by the embedded-default demo seed; refused in a production deployment. */
    isDemo: boolean("is_demo").notNull().default(false),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
    /** Base32 TOTP secret; set while enrolling, confirmed by totpEnabledAt. Never shown again nor audited. */
    totpSecret: text("totp_secret"),
    totpEnabledAt: timestamp("totp_enabled_at", { withTimezone: true }),
    /** The last accepted TOTP time step: a code is never accepted twice. */
    totpLastTimeStep: integer("totp_last_time_step"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

export const labMemberships = pgTable(
  "lab_memberships",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    labId: uuid("lab_id")
      .notNull()
      .references(() => labs.id, { onDelete: "cascade" }),
    /** What the person may do in this lab; a session acts with its role in the lab it works in. */
    role: labRole("role").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.labId] }), index("lab_memberships_lab_idx").on(t.labId)],
);

/**
 * One row per signed-in session (the session cookie carries its id). Signing out revokes
 * it, so a copied cookie stops working at once; "sign out everywhere" revokes them all.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

/**
 * Counters of the sign-in throttle (rate-limiter-flexible's drizzle store: one atomic
 * upsert per attempt, shared by every instance).
 */
export const signInRateLimits = pgTable("sign_in_rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  expire: timestamp("expire", { withTimezone: true }),
});

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type LabMembership = typeof labMemberships.$inferSelect;
export type UserSession = typeof userSessions.$inferSelect;
