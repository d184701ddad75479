import "server-only";
import { and, eq, inArray, ne } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { documents, labResults, patients, type Patient } from "@/db/schema";
import { currentLabOf, type QueryScope } from "./scope";
import { patientIdentityColumns } from "./patient-columns";

/** The lab's patients with these patient ids (the manifest's check: who exists already, as whom). */
export async function listPatientsByExternalIds(
  db: Db | Tx,
  scope: QueryScope,
  patientIds: string[],
): Promise<Array<Pick<Patient, "id" | "patientId" | "givenName" | "familyName" | "birthDate" | "sex">>> {
  const labId = currentLabOf(scope);
  if (!labId || patientIds.length === 0) return [];
  return db
    .select(patientIdentityColumns)
    .from(patients)
    .where(and(eq(patients.labId, labId), inArray(patients.patientId, patientIds)));
}

/** One patient of the lab by our id, with what identifies the person. */
export async function getPatientOfLab(db: Db | Tx, scope: QueryScope, id: string) {
  const labId = currentLabOf(scope);
  if (!labId) return undefined;
  const [row] = await db
    .select(patientIdentityColumns)
    .from(patients)
    .where(and(eq(patients.labId, labId), eq(patients.id, id)))
    .limit(1);
  return row;
}

/**
 * The lab's earlier uploads for these accession numbers (not cancelled ones): file name,
 * SHA-256 and when, to refuse a file already uploaded for its accession.
 */
export async function listUploadsForAccessions(
  db: Db | Tx,
  scope: QueryScope,
  accessionNumbers: string[],
): Promise<Array<{ accessionNumber: string; fileName: string; sha256: string; createdAt: Date }>> {
  const labId = currentLabOf(scope);
  if (!labId || accessionNumbers.length === 0) return [];
  return db
    .select({
      accessionNumber: labResults.accessionNumber,
      fileName: documents.fileName,
      sha256: documents.sha256,
      createdAt: labResults.createdAt,
    })
    .from(labResults)
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .where(
      and(
        eq(labResults.labId, labId),
        inArray(labResults.accessionNumber, accessionNumbers),
        ne(labResults.status, "cancelled"),
      ),
    );
}
