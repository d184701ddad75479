import "server-only";
import { and, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { hl7FeedMessages, interpretationReports, labs, type Hl7FeedMessage } from "@/db/schema";
import { getReportExport, type ReportExport } from "../exports";

/*
 * SYSTEM ONLY: the lab's outbound HL7 feed, run by the job worker (no user). A row per
 * report version to send; the message is built from the report when it is sent, so the
 * queue holds ids only. Only lib/exports/mllp-feed.ts may call these.
 */

/**
 * Puts a matched report version in its lab's feed (inside the caller's transaction), when
 * the lab's feed is enabled; returns the new row's id, or null (no feed, not matched, or
 * already queued).
 */
export async function queueFeedMessage(tx: Tx, reportId: string, controlId: string): Promise<string | null> {
  const [report] = await tx
    .select({ labId: interpretationReports.labId })
    .from(interpretationReports)
    .innerJoin(labs, eq(labs.id, interpretationReports.labId))
    .where(
      and(
        eq(interpretationReports.id, reportId),
        eq(interpretationReports.matchState, "matched"),
        eq(labs.hl7FeedEnabled, true),
      ),
    );
  if (!report?.labId) return null;
  const [row] = await tx
    .insert(hl7FeedMessages)
    .values({ labId: report.labId, reportId, controlId })
    .onConflictDoNothing({ target: hl7FeedMessages.reportId })
    .returning({ id: hl7FeedMessages.id });
  return row?.id ?? null;
}

export type FeedEndpoint = { host: string; port: number };

/**
 * Takes a feed message for one send: a queued one that is due, or one whose send was left
 * mid-way (a worker that died) for longer than `leaseSeconds`. Undefined: nothing to do now.
 */
export async function claimFeedMessage(
  db: Db,
  id: string,
  leaseSeconds: number,
): Promise<(Hl7FeedMessage & { endpoint: FeedEndpoint | null }) | undefined> {
  const [claimed] = await db
    .update(hl7FeedMessages)
    .set({ status: "sending", attempts: sql`${hl7FeedMessages.attempts} + 1`, updatedAt: new Date() })
    .where(
      and(
        eq(hl7FeedMessages.id, id),
        or(
          and(
            eq(hl7FeedMessages.status, "queued"),
            or(isNull(hl7FeedMessages.nextAttemptAt), lte(hl7FeedMessages.nextAttemptAt, new Date())),
          ),
          and(
            eq(hl7FeedMessages.status, "sending"),
            lte(hl7FeedMessages.updatedAt, new Date(Date.now() - leaseSeconds * 1000)),
          ),
        ),
      ),
    )
    .returning();
  if (!claimed) return undefined;
  const [lab] = await db
    .select({ enabled: labs.hl7FeedEnabled, host: labs.hl7FeedHost, port: labs.hl7FeedPort })
    .from(labs)
    .where(eq(labs.id, claimed.labId));
  const endpoint = lab?.enabled && lab.host && lab.port ? { host: lab.host, port: lab.port } : null;
  return { ...claimed, endpoint };
}

/** What the message of a feed row is built from (the report's export, within its own lab). */
export async function loadFeedReport(db: Db, message: Pick<Hl7FeedMessage, "labId" | "reportId">) {
  const found: ReportExport | undefined = await getReportExport(
    db,
    // The row names its lab: the export is read within that lab only.
    { userId: "", role: "admin", labIds: [message.labId], labId: message.labId },
    message.reportId,
  );
  return found;
}

export type FeedOutcome =
  | { kind: "sent"; ackCode: string }
  | { kind: "rejected"; ackCode: string; reason: string }
  | { kind: "retry"; reason: string; ackCode?: string; retryAt: Date }
  | { kind: "failed"; reason: string; ackCode?: string };

/** Records a send's outcome (in the caller's transaction, with any successor job). */
export async function recordFeedOutcome(tx: Tx, id: string, outcome: FeedOutcome): Promise<void> {
  const now = new Date();
  const base = { updatedAt: now, ackCode: "ackCode" in outcome ? (outcome.ackCode ?? null) : null };
  switch (outcome.kind) {
    case "sent":
      await tx
        .update(hl7FeedMessages)
        .set({ ...base, status: "sent", sentAt: now, lastError: null, nextAttemptAt: null })
        .where(eq(hl7FeedMessages.id, id));
      return;
    case "rejected":
      await tx
        .update(hl7FeedMessages)
        .set({ ...base, status: "rejected", lastError: outcome.reason, nextAttemptAt: null })
        .where(eq(hl7FeedMessages.id, id));
      return;
    case "retry":
      await tx
        .update(hl7FeedMessages)
        .set({ ...base, status: "queued", lastError: outcome.reason, nextAttemptAt: outcome.retryAt })
        .where(eq(hl7FeedMessages.id, id));
      return;
    case "failed":
      await tx
        .update(hl7FeedMessages)
        .set({ ...base, status: "failed", lastError: outcome.reason, nextAttemptAt: null })
        .where(eq(hl7FeedMessages.id, id));
  }
}

/** Feed messages still to send (queued, or left mid-send), for the start-up sweep. */
export async function listUnfinishedFeedMessages(
  db: Db,
): Promise<Pick<Hl7FeedMessage, "id" | "status" | "nextAttemptAt" | "updatedAt">[]> {
  return db
    .select({
      id: hl7FeedMessages.id,
      status: hl7FeedMessages.status,
      nextAttemptAt: hl7FeedMessages.nextAttemptAt,
      updatedAt: hl7FeedMessages.updatedAt,
    })
    .from(hl7FeedMessages)
    .where(inArray(hl7FeedMessages.status, ["queued", "sending"]));
}
