import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import { interpretationReports, reportDiffs, type DiffPart } from "@/db/schema";
import type { QueryScope } from "./scope";

/** What changed between two versions of one lab result's report, as the viewer shows it. */
export type ReportDiffView = {
  fromReportId: string;
  fromVersion: number;
  toReportId: string;
  toVersion: number;
  /** "missing": no comparison recorded yet for this pair. */
  state: "pending" | "ready" | "failed" | "missing";
  changed: boolean | null;
  wordsAdded: number | null;
  wordsRemoved: number | null;
  parts: DiffPart[];
  partial: boolean;
  failureReason: string | null;
};

/**
 * The comparison of report `toReportId` with an earlier version of the same lab result:
 * `fromReportId`, or by default the version it supersedes. Undefined when either is not a
 * report of the user's labs, they are not versions of one lab result, or "from" is not
 * earlier (or there is no earlier version).
 */
export async function getReportDiffForUser(
  db: Db,
  scope: QueryScope,
  toReportId: string,
  fromReportId?: string,
): Promise<ReportDiffView | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const to = interpretationReports;
  const from = alias(interpretationReports, "from_report");
  const [row] = await db
    .select({
      fromReportId: from.id,
      fromVersion: from.version,
      toReportId: to.id,
      toVersion: to.version,
      fromLabResult: from.labResultId,
      toLabResult: to.labResultId,
    })
    .from(to)
    .innerJoin(from, and(eq(from.id, fromReportId ?? to.supersedesId), inArray(from.labId, labIds)))
    .where(and(eq(to.id, toReportId), inArray(to.labId, labIds)));
  if (!row || row.fromLabResult === null || row.fromLabResult !== row.toLabResult) return undefined;
  if (row.fromVersion >= row.toVersion) return undefined;
  const [diff] = await db
    .select()
    .from(reportDiffs)
    .where(and(eq(reportDiffs.fromReportId, row.fromReportId), eq(reportDiffs.toReportId, row.toReportId)));
  return {
    fromReportId: row.fromReportId,
    fromVersion: row.fromVersion,
    toReportId: row.toReportId,
    toVersion: row.toVersion,
    state: diff?.state ?? "missing",
    changed: diff?.changed ?? null,
    wordsAdded: diff?.wordsAdded ?? null,
    wordsRemoved: diff?.wordsRemoved ?? null,
    parts: diff?.parts ?? [],
    partial: diff?.partial ?? false,
    failureReason: diff?.failureReason ?? null,
  };
}
