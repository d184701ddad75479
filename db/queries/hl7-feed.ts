import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { hl7FeedMessages, interpretationReports, labResults, labs, type Hl7FeedStatus } from "@/db/schema";
import type { QueryScope } from "./scope";

/*
 * The lab's HL7 export settings and its outbound feed, for the lab's admins (the caller
 * checks that the actor administers the lab). The feed itself runs in
 * system/hl7-feed.ts.
 */

export type LabHl7Settings = {
  hl7SendingApplication: string | null;
  hl7SendingFacility: string | null;
  hl7FeedEnabled: boolean;
  hl7FeedHost: string | null;
  hl7FeedPort: number | null;
};

const settingsColumns = {
  hl7SendingApplication: labs.hl7SendingApplication,
  hl7SendingFacility: labs.hl7SendingFacility,
  hl7FeedEnabled: labs.hl7FeedEnabled,
  hl7FeedHost: labs.hl7FeedHost,
  hl7FeedPort: labs.hl7FeedPort,
};

export async function getLabHl7Settings(db: Db | Tx, labId: string): Promise<LabHl7Settings | undefined> {
  const [row] = await db.select(settingsColumns).from(labs).where(eq(labs.id, labId));
  return row;
}

/** Saves the settings; the values before and after (for the audit), or undefined for no such lab. */
export async function updateLabHl7Settings(
  tx: Tx,
  labId: string,
  settings: LabHl7Settings,
): Promise<{ before: LabHl7Settings; after: LabHl7Settings } | undefined> {
  const before = await getLabHl7Settings(tx, labId);
  if (!before) return undefined;
  const [after] = await tx.update(labs).set(settings).where(eq(labs.id, labId)).returning(settingsColumns);
  return after && { before, after };
}

export type FeedMessageRow = {
  id: string;
  controlId: string;
  status: Hl7FeedStatus;
  attempts: number;
  ackCode: string | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
  reportVersion: number;
  /** The lab result's accession number; null for a viewer who is not a member of the lab. */
  accessionNumber: string | null;
  labResultId: string | null;
};

/** The lab's feed messages, newest first (accession numbers only for the lab's members). */
export async function listFeedMessages(
  db: Db,
  scope: QueryScope,
  labId: string,
  limit = 200,
): Promise<FeedMessageRow[]> {
  const member = scope.labIds.includes(labId);
  const rows = await db
    .select({
      id: hl7FeedMessages.id,
      controlId: hl7FeedMessages.controlId,
      status: hl7FeedMessages.status,
      attempts: hl7FeedMessages.attempts,
      ackCode: hl7FeedMessages.ackCode,
      lastError: hl7FeedMessages.lastError,
      nextAttemptAt: hl7FeedMessages.nextAttemptAt,
      sentAt: hl7FeedMessages.sentAt,
      createdAt: hl7FeedMessages.createdAt,
      reportVersion: interpretationReports.version,
      accessionNumber: labResults.accessionNumber,
      labResultId: labResults.id,
    })
    .from(hl7FeedMessages)
    .innerJoin(interpretationReports, eq(interpretationReports.id, hl7FeedMessages.reportId))
    .leftJoin(labResults, and(eq(labResults.id, interpretationReports.labResultId), sql`${member}`))
    .where(eq(hl7FeedMessages.labId, labId))
    .orderBy(desc(hl7FeedMessages.createdAt))
    .limit(limit);
  return rows;
}

/** Makes a rejected or failed message of the lab due again (attempts start over); false when there is none. */
export async function requeueFeedMessage(tx: Tx, labId: string, messageId: string): Promise<boolean> {
  const rows = await tx
    .update(hl7FeedMessages)
    .set({ status: "queued", attempts: 0, nextAttemptAt: null, updatedAt: new Date() })
    .where(
      and(
        eq(hl7FeedMessages.id, messageId),
        eq(hl7FeedMessages.labId, labId),
        inArray(hl7FeedMessages.status, ["rejected", "failed"]),
      ),
    )
    .returning({ id: hl7FeedMessages.id });
  return rows.length > 0;
}
