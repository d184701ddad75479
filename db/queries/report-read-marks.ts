import "server-only";
import { and, count, eq, gt, inArray, notExists, sql } from "drizzle-orm";
import { descNullsLast } from "./order";
import type { Db, Tx } from "@/db";
import { interpretationReports, labResults, patients, reportReadMarks } from "@/db/schema";
import { currentLabOf, type QueryScope } from "./scope";

/* A user's read and review marks on reports, and what is "new to me" because of them. */

export async function markReportRead(db: Db, scope: QueryScope, reportId: string): Promise<void> {
  await db.insert(reportReadMarks).values({ userId: scope.userId, reportId }).onConflictDoNothing();
}

export type NewReportNotice = {
  id: string;
  receivedAt: Date;
  accessionNumber: string | null;
  patientName: string | null;
  labResultId: string | null;
};

/**
 * "New to me": a matched report of the lab received in the last UNREAD_WINDOW_DAYS days
 * that the user has not opened. Older reports are history, not news; without the window
 * a new account would start with every report of the lab as new, and the header's poll
 * (every few seconds, for every signed-in user) would count the lab's whole archive.
 */
export const UNREAD_WINDOW_DAYS = 30;

/** The header shows "99+" past this; counting further would be work for nothing. */
export const UNREAD_COUNT_CAP = 100;

/** The SQL condition "new to this user" on `interpretation_reports` (see UNREAD_WINDOW_DAYS). */
export function unreadReportCondition(db: Db | Tx, userId: string) {
  return and(
    eq(interpretationReports.matchState, "matched"),
    gt(interpretationReports.receivedAt, sql`now() - make_interval(days => ${UNREAD_WINDOW_DAYS})`),
    notExists(
      db
        .select({ one: sql`1` })
        .from(reportReadMarks)
        .where(and(eq(reportReadMarks.reportId, interpretationReports.id), eq(reportReadMarks.userId, userId))),
    ),
  );
}

/** The reports new to the user in the current lab: how many (up to UNREAD_COUNT_CAP) and the latest. */
export async function listUnreadReportsForUser(
  db: Db,
  scope: QueryScope,
  limit = 20,
): Promise<{ count: number; latest: NewReportNotice[] }> {
  const labId = currentLabOf(scope);
  if (!labId) return { count: 0, latest: [] };
  const unread = and(eq(interpretationReports.labId, labId), unreadReportCondition(db, scope.userId));
  const [[countRow], latest] = await Promise.all([
    db.select({ n: count() }).from(
      db
        .select({ one: sql`1`.as("one") })
        .from(interpretationReports)
        .where(unread)
        .limit(UNREAD_COUNT_CAP)
        .as("capped"),
    ),
    db
      .select({
        id: interpretationReports.id,
        receivedAt: interpretationReports.receivedAt,
        accessionNumber: labResults.accessionNumber,
        patientName: sql<string | null>`${patients.familyName} || ', ' || ${patients.givenName}`,
        labResultId: interpretationReports.labResultId,
      })
      .from(interpretationReports)
      .leftJoin(labResults, eq(labResults.id, interpretationReports.labResultId))
      .leftJoin(patients, eq(patients.id, interpretationReports.patientId))
      .where(unread)
      .orderBy(descNullsLast(interpretationReports.receivedAt))
      .limit(limit),
  ]);
  return { count: countRow?.n ?? 0, latest };
}

/** Marks a report of the user's labs as reviewed by this user (and read); returns the report's lab, or null when not found. */
export async function markReportReviewed(db: Db, scope: QueryScope, reportId: string): Promise<string | null> {
  const { userId, labIds } = scope;
  if (labIds.length === 0) return null;
  const [report] = await db
    .select({ id: interpretationReports.id, labId: interpretationReports.labId })
    .from(interpretationReports)
    .where(and(eq(interpretationReports.id, reportId), inArray(interpretationReports.labId, labIds)));
  if (!report?.labId) return null;
  const now = new Date();
  await db
    .insert(reportReadMarks)
    .values({ userId, reportId, reviewedAt: now })
    .onConflictDoUpdate({ target: [reportReadMarks.userId, reportReadMarks.reportId], set: { reviewedAt: now } });
  return report.labId;
}

/** When this user reviewed each of the given reports (absent: not reviewed). */
export async function getReviewedAt(db: Db, scope: QueryScope, reportIds: string[]): Promise<Map<string, Date>> {
  const { userId } = scope;
  const out = new Map<string, Date>();
  if (reportIds.length === 0) return out;
  const rows = await db
    .select({ reportId: reportReadMarks.reportId, reviewedAt: reportReadMarks.reviewedAt })
    .from(reportReadMarks)
    .where(and(eq(reportReadMarks.userId, userId), inArray(reportReadMarks.reportId, reportIds)));
  for (const r of rows) if (r.reviewedAt) out.set(r.reportId, r.reviewedAt);
  return out;
}
