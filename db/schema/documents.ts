import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { labs } from "./labs";
import { bytea } from "./types";

/** A stored PDF: an uploaded lab result or a delivered interpretation report. */
export const documents = pgTable(
  "documents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Null only for a report delivered for an unknown partner lab (awaiting triage). */
    labId: uuid("lab_id").references(() => labs.id, { onDelete: "restrict" }),
    bytes: bytea("bytes").notNull(),
    /** Lower-case hex SHA-256 of `bytes`. */
    sha256: text("sha256").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    mimeType: text("mime_type").notNull(),
    fileName: text("file_name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("documents_lab_sha256_idx").on(t.labId, t.sha256)],
);

export type Document = typeof documents.$inferSelect;
export type NewDocument = typeof documents.$inferInsert;
