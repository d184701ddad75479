import "server-only";
import { and, count, desc, eq, exists, ilike, inArray, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { patients, type LabResultStatus, type Patient } from "@/db/schema";

export type LabScope = { labId: string };

export type PatientPage = { rows: Patient[]; total: number; page: number; pageSize: number };

/** The lab's patients, most recent activity first. */
export async function listPatientsForLab(db: Db, scope: LabScope, { page = 1, pageSize = 25 } = {}): Promise<PatientPage> {
  const [rows, [totalRow]] = await Promise.all([
    db
      .select()
      .from(patients)
      .where(eq(patients.labId, scope.labId))
      .orderBy(desc(patients.lastActivityAt))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(patients).where(eq(patients.labId, scope.labId)),
  ]);
  return { rows, total: totalRow?.n ?? 0, page, pageSize };
}

/**
 * Patients of the lab matching `q`: patient id or accession number by prefix, names by
 * prefix or by similarity (trigram), best matches first.
 */
export async function searchPatientsForLab(db: Db, scope: LabScope, q: string, limit = 10): Promise<Patient[]> {
  const needle = q.trim().toLowerCase();
  return db
    .select()
    .from(patients)
    .where(patientMatch(scope, q))
    .orderBy(desc(sql`similarity(lower(${patients.givenName} || ' ' || ${patients.familyName}), ${needle})`), desc(patients.lastActivityAt))
    .limit(limit);
}

export type PatientListRow = Pick<Patient, "id" | "patientId" | "givenName" | "familyName" | "birthDate" | "lastActivityAt"> & {
  resultCount: number;
  latestStatus: LabResultStatus | null;
  hasUnreadReport: boolean;
};

export type PatientListPage = { rows: PatientListRow[]; total: number; page: number; pageSize: number };

/** The search condition shared by the list and its count. */
function patientMatch(scope: LabScope, q: string | undefined) {
  if (!q?.trim()) return eq(patients.labId, scope.labId);
  const needle = q.trim().toLowerCase();
  const prefix = `${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return and(
    eq(patients.labId, scope.labId),
    or(
      ilike(patients.patientId, prefix),
      sql`lower(${patients.familyName}) like ${prefix}`,
      sql`lower(${patients.givenName}) like ${prefix}`,
      sql`lower(${patients.givenName} || ' ' || ${patients.familyName}) % ${needle}`,
      exists(
        sql`(select 1 from lab_results lr where lr.patient_id = "patients"."id" and lr.lab_id = ${scope.labId} and lr.accession_number ilike ${prefix})`,
      ),
    ),
  );
}

/**
 * The patients page: the lab's patients (optionally matching `q`), best matches then
 * latest activity first, with their number of results, latest status, and whether a
 * report waits that this user has not opened.
 */
export async function listPatientsForUser(
  db: Db,
  scope: LabScope,
  userId: string,
  { q, page = 1, pageSize = 25 }: { q?: string; page?: number; pageSize?: number } = {},
): Promise<PatientListPage> {
  const where = patientMatch(scope, q);
  const needle = q?.trim().toLowerCase();
  const [rows, [totalRow]] = await Promise.all([
    db
      .select({
        id: patients.id,
        patientId: patients.patientId,
        givenName: patients.givenName,
        familyName: patients.familyName,
        birthDate: patients.birthDate,
        lastActivityAt: patients.lastActivityAt,
        // Correlated subqueries name their tables explicitly: drizzle leaves columns unqualified here.
        resultCount: sql<number>`(select count(*)::int from lab_results lr where lr.patient_id = "patients"."id")`,
        latestStatus: sql<LabResultStatus | null>`(select lr.status from lab_results lr where lr.patient_id = "patients"."id" order by lr.created_at desc limit 1)`,
        hasUnreadReport: sql<boolean>`exists (select 1 from interpretation_reports r where r.patient_id = "patients"."id" and r.match_state = 'matched' and not exists (select 1 from report_read_marks m where m.report_id = r.id and m.user_id = ${userId}))`,
      })
      .from(patients)
      .where(where)
      .orderBy(
        ...(needle ? [desc(sql`similarity(lower(${patients.givenName} || ' ' || ${patients.familyName}), ${needle})`)] : []),
        desc(patients.lastActivityAt),
      )
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(patients).where(where),
  ]);
  return { rows, total: totalRow?.n ?? 0, page, pageSize };
}

/** One patient of the user's labs, or undefined ("not found" for another lab's id). */
export async function getPatientForUser(db: Db, labIds: string[], id: string): Promise<Patient | undefined> {
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select()
    .from(patients)
    .where(and(eq(patients.id, id), inArray(patients.labId, labIds)))
    .limit(1);
  return row;
}
