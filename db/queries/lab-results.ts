import "server-only";
import { and, count, desc, eq, gte, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { labResults, patients, type LabResultStatus } from "@/db/schema";
import type { LabScope } from "./patients";

export type LabResultRow = {
  id: string;
  accessionNumber: string;
  mode: "interpret" | "store_only";
  status: LabResultStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  patientGivenName: string;
  patientFamilyName: string;
  patientExternalId: string;
};

/** The lab's submissions, newest first. */
export async function listLabResultsForLab(db: Db, scope: LabScope, { limit = 50 } = {}): Promise<LabResultRow[]> {
  return db
    .select({
      id: labResults.id,
      accessionNumber: labResults.accessionNumber,
      mode: labResults.mode,
      status: labResults.status,
      attempts: labResults.attempts,
      lastError: labResults.lastError,
      createdAt: labResults.createdAt,
      patientGivenName: patients.givenName,
      patientFamilyName: patients.familyName,
      patientExternalId: patients.patientId,
    })
    .from(labResults)
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .where(eq(labResults.labId, scope.labId))
    .orderBy(desc(labResults.createdAt))
    .limit(limit);
}

export type LabActivityCounts = { today: number; thisWeek: number; waitingForReport: number; rejected: number };

/** Dashboard figures for one lab. `now` is a parameter so the boundaries are testable. */
export async function countLabActivity(db: Db, scope: LabScope, now = new Date()): Promise<LabActivityCounts> {
  const startOfDay = new Date(now);
  startOfDay.setHours(0, 0, 0, 0);
  const startOfWeek = new Date(startOfDay);
  // Weeks start on Monday.
  startOfWeek.setDate(startOfWeek.getDate() - ((startOfWeek.getDay() + 6) % 7));
  const inLab = eq(labResults.labId, scope.labId);
  const [[today], [week], [waiting], [rejected]] = await Promise.all([
    db.select({ n: count() }).from(labResults).where(and(inLab, gte(labResults.createdAt, startOfDay))),
    db.select({ n: count() }).from(labResults).where(and(inLab, gte(labResults.createdAt, startOfWeek))),
    db
      .select({ n: count() })
      .from(labResults)
      .where(and(inLab, eq(labResults.mode, "interpret"), inArray(labResults.status, ["queued", "sending", "retrying", "accepted"]))),
    db.select({ n: count() }).from(labResults).where(and(inLab, inArray(labResults.status, ["rejected", "failed"]))),
  ]);
  return { today: today?.n ?? 0, thisWeek: week?.n ?? 0, waitingForReport: waiting?.n ?? 0, rejected: rejected?.n ?? 0 };
}
