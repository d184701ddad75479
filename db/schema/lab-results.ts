import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { guardOutcomes, labResultFlags, labResultModes, labResultStatuses } from "@/lib/domain";
import { documents } from "./documents";
import { labs } from "./labs";
import { patients } from "./patients";
import { users } from "./users";

export {
  finalLabResultStatuses,
  isFinalLabResultStatus,
  labResultModes,
  labResultStatuses,
  sendPendingStatuses,
  type LabResultStatus,
} from "@/lib/domain";
export const labResultMode = pgEnum("lab_result_mode", labResultModes);

export const labResultStatus = pgEnum("lab_result_status", labResultStatuses);

export const labResultGuardOutcome = pgEnum("lab_result_guard_outcome", guardOutcomes);

export const labResultFlag = pgEnum("lab_result_flag", labResultFlags);

/** One uploaded lab-result PDF and its submission to Docus. */
export const labResults = pgTable(
  "lab_results",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    labId: uuid("lab_id")
      .notNull()
      .references(() => labs.id, { onDelete: "restrict" }),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => patients.id, { onDelete: "restrict" }),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "restrict" }),
    accessionNumber: text("accession_number").notNull(),
    mode: labResultMode("mode").notNull(),
    /** Free-text notes sent to Docus as `data`. */
    notes: text("notes"),
    /** Optional contact addresses sent to Docus only when filled in (never in job payloads or logs). */
    patientEmail: text("patient_email"),
    physicianEmail: text("physician_email"),
    /** The lab's own flag (normal, abnormal, critical); null: not flagged. Never derived from Docus. */
    flag: labResultFlag("flag"),
    status: labResultStatus("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    /** While `sending`: the lease of the one request in flight; after it, the send is presumed dead. */
    sendingUntil: timestamp("sending_until", { withTimezone: true }),
    lastError: text("last_error"),
    /** The message Docus answered with (success or rejection). */
    docusMessage: text("docus_message"),
    submittedById: uuid("submitted_by_id").references(() => users.id, { onDelete: "set null" }),
    /** The wrong-patient guard's verdict at upload (null: uploaded before the guard existed). */
    guardOutcome: labResultGuardOutcome("guard_outcome"),
    /** Why it needs confirmation, or why it could not be checked, in a technician's words. */
    guardReason: text("guard_reason"),
    /** Who confirmed a held lab result for sending, and when. */
    guardConfirmedById: uuid("guard_confirmed_by_id").references(() => users.id, { onDelete: "set null" }),
    guardConfirmedAt: timestamp("guard_confirmed_at", { withTimezone: true }),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    /**
     * When the first attempt to send it started (submission_attempts, attempt 1): the end of
     * the "uploaded -> sent" stage of the turnaround analytics. Kept by the database: a
     * trigger on submission_attempts keeps it (migration 0015), whatever writes the attempts.
     */
    firstSentAt: timestamp("first_sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("lab_results_lab_accession_idx").on(t.labId, t.accessionNumber),
    // Case-insensitive prefix search on accession numbers within a lab (patient search).
    index("lab_results_lab_accession_prefix_idx").on(t.labId, sql`lower(${t.accessionNumber}) text_pattern_ops`),
    index("lab_results_lab_created_idx").on(t.labId, t.createdAt.desc()),
    // The lab results of a lab by status; with the mode, the analytics backlog's count (which
    // leaves out accepted "store only" ones) reads the index alone.
    index("lab_results_lab_status_mode_idx").on(t.labId, t.status, t.mode),
    index("lab_results_patient_created_idx").on(t.patientId, t.createdAt.desc()),
    // The lab results accepted in a period (turnaround analytics: the "sent -> accepted" stage).
    index("lab_results_lab_accepted_idx")
      .on(t.labId, t.acceptedAt)
      .where(sql`${t.acceptedAt} is not null`),
    // The lab results first sent in a period (turnaround analytics: the "uploaded -> sent" stage).
    index("lab_results_lab_first_sent_idx")
      .on(t.labId, t.firstSentAt)
      .where(sql`${t.firstSentAt} is not null`),
  ],
);

export const submissionOutcomes = ["accepted", "rejected", "transient"] as const;
export const submissionOutcome = pgEnum("submission_outcome", submissionOutcomes);

/** Every request made to Docus for a lab result (the attempt history). */
export const submissionAttempts = pgTable(
  "submission_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    labResultId: uuid("lab_result_id")
      .notNull()
      .references(() => labResults.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    outcome: submissionOutcome("outcome"),
    httpStatus: integer("http_status"),
    message: text("message"),
  },
  (t) => [index("submission_attempts_lab_result_idx").on(t.labResultId, t.attempt)],
);

export type LabResult = typeof labResults.$inferSelect;
export type NewLabResult = typeof labResults.$inferInsert;
export type SubmissionAttempt = typeof submissionAttempts.$inferSelect;
