import "server-only";
import { count, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { patients, type Patient } from "@/db/schema";

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
