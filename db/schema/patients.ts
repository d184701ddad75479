import { sql } from "drizzle-orm";
import { date, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { patientSexes } from "@/lib/domain";
import { labs } from "./labs";

export { patientSexes } from "@/lib/domain";
export const patientSex = pgEnum("patient_sex", patientSexes);

export const patients = pgTable(
  "patients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    labId: uuid("lab_id")
      .notNull()
      .references(() => labs.id, { onDelete: "restrict" }),
    /** The lab's own patient identifier, sent to Docus as `patient_id`; unique per lab. */
    patientId: text("patient_id").notNull(),
    givenName: text("given_name").notNull(),
    familyName: text("family_name").notNull(),
    birthDate: date("birth_date", { mode: "string" }),
    sex: patientSex("sex").notNull().default("unknown"),
    /** Latest lab result or report; drives "sorted by latest activity". */
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("patients_lab_patient_id_key").on(t.labId, t.patientId),
    index("patients_lab_activity_idx").on(t.labId, t.lastActivityAt.desc()),
    // Patient ids compared as the wrong-patient checks do: any case, dashes ignored.
    index("patients_lab_patient_id_norm_idx").on(t.labId, sql`lower(replace(${t.patientId}, '-', ''))`),
    // Case-insensitive prefix search on patient ids and names within a lab.
    index("patients_lab_patient_id_prefix_idx").on(t.labId, sql`lower(${t.patientId}) text_pattern_ops`),
    index("patients_lab_family_name_idx").on(t.labId, sql`lower(${t.familyName}) text_pattern_ops`),
    index("patients_lab_given_name_idx").on(t.labId, sql`lower(${t.givenName}) text_pattern_ops`),
    // Fuzzy (trigram) search on the full name.
    index("patients_name_trgm_idx").using("gin", sql`(lower(${t.givenName} || ' ' || ${t.familyName})) gin_trgm_ops`),
  ],
);

export type Patient = typeof patients.$inferSelect;
export type NewPatient = typeof patients.$inferInsert;
