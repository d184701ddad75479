import "server-only";
import { and, count, desc, eq, exists, ilike, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { labResults, patients, type Patient } from "@/db/schema";

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
  const prefix = `${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select()
    .from(patients)
    .where(
      and(
        eq(patients.labId, scope.labId),
        or(
          ilike(patients.patientId, prefix),
          sql`lower(${patients.familyName}) like ${prefix}`,
          sql`lower(${patients.givenName}) like ${prefix}`,
          sql`lower(${patients.givenName} || ' ' || ${patients.familyName}) % ${needle}`,
          exists(
            db
              .select({ one: sql`1` })
              .from(labResults)
              .where(and(eq(labResults.patientId, patients.id), eq(labResults.labId, scope.labId), ilike(labResults.accessionNumber, prefix))),
          ),
        ),
      ),
    )
    .orderBy(desc(sql`similarity(lower(${patients.givenName} || ' ' || ${patients.familyName}), ${needle})`), desc(patients.lastActivityAt))
    .limit(limit);
}
