import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { documents, interpretationReports, reportDiffs, reportTexts, type DiffPart } from "@/db/schema";

/*
 * SYSTEM ONLY: the diff job's queries (lib/reports/diff-job.ts). A job acts for no user, so
 * these find rows by id without lab scoping; the job's payload is the diff's id alone,
 * written by the transaction that stored the new version. Users read diffs through
 * db/queries/report-diffs.ts, within their labs.
 */

/** Records that `to` is to be compared with `from` (once: a second call finds the first). Returns the diff's id. */
export async function insertPendingDiff(
  tx: Db | Tx,
  pair: { fromReportId: string; toReportId: string; labId: string | null },
): Promise<{ id: string; created: boolean }> {
  const [created] = await tx
    .insert(reportDiffs)
    .values(pair)
    .onConflictDoNothing({ target: [reportDiffs.fromReportId, reportDiffs.toReportId] })
    .returning({ id: reportDiffs.id });
  if (created) return { id: created.id, created: true };
  const [existing] = await tx
    .select({ id: reportDiffs.id })
    .from(reportDiffs)
    .where(sql`${reportDiffs.fromReportId} = ${pair.fromReportId} and ${reportDiffs.toReportId} = ${pair.toReportId}`);
  return { id: existing!.id, created: false };
}

/** The report a new version supersedes, and its lab; undefined for a first version. */
export async function getSupersededReport(
  tx: Db | Tx,
  reportId: string,
): Promise<{ supersedesId: string; labId: string | null } | undefined> {
  const [row] = await tx
    .select({ supersedesId: interpretationReports.supersedesId, labId: interpretationReports.labId })
    .from(interpretationReports)
    .where(eq(interpretationReports.id, reportId));
  return row?.supersedesId ? { supersedesId: row.supersedesId, labId: row.labId } : undefined;
}

export async function getDiffForJob(db: Db, diffId: string) {
  const [row] = await db
    .select({
      id: reportDiffs.id,
      state: reportDiffs.state,
      fromReportId: reportDiffs.fromReportId,
      toReportId: reportDiffs.toReportId,
      toReceivedAt: interpretationReports.receivedAt,
      toTextCheck: interpretationReports.textCheck,
    })
    .from(reportDiffs)
    .innerJoin(interpretationReports, eq(interpretationReports.id, reportDiffs.toReportId))
    .where(eq(reportDiffs.id, diffId));
  return row;
}

export type StoredText = { kind: "text" | "no_text" | "unreadable"; text: string; truncated: boolean };

export async function getStoredReportText(db: Db | Tx, reportId: string): Promise<StoredText | undefined> {
  const [row] = await db
    .select({ kind: reportTexts.kind, text: reportTexts.text, truncated: reportTexts.truncated })
    .from(reportTexts)
    .where(eq(reportTexts.reportId, reportId));
  return row;
}

/** Keeps a report's text as read once (a second save of the same report changes nothing). */
export async function saveReportText(db: Db | Tx, reportId: string, text: StoredText): Promise<void> {
  await db
    .insert(reportTexts)
    .values({ reportId, ...text })
    .onConflictDoNothing({ target: reportTexts.reportId });
}

export async function getReportBytes(db: Db, reportId: string): Promise<Uint8Array | undefined> {
  const [row] = await db
    .select({ bytes: documents.bytes })
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(eq(interpretationReports.id, reportId));
  return row?.bytes;
}

export async function finishDiff(
  db: Db,
  diffId: string,
  outcome:
    | {
        state: "ready";
        changed: boolean;
        wordsAdded: number;
        wordsRemoved: number;
        parts: DiffPart[];
        partial: boolean;
      }
    | { state: "failed"; failureReason: string },
): Promise<void> {
  await db
    .update(reportDiffs)
    .set({ ...outcome, computedAt: new Date() })
    .where(eq(reportDiffs.id, diffId));
}
