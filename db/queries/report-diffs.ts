import "server-only";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import { interpretationReports, reportDiffs, reportSignOffs, type DiffPart } from "@/db/schema";
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
 * `fromReportId`, or by default the latest earlier version someone signed off (what the
 * doctor last vouched for), else the version it supersedes. Undefined when either is not
 * a report of the user's labs, they are not versions of one lab result, or "from" is not
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
  fromReportId ??= await lastSignedOffEarlierVersion(db, labIds, toReportId);
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

/** The latest version before `toReportId` of its lab result that was signed off, if any. */
async function lastSignedOffEarlierVersion(db: Db, labIds: string[], toReportId: string): Promise<string | undefined> {
  const to = alias(interpretationReports, "to_report");
  const [row] = await db
    .select({ id: interpretationReports.id })
    .from(to)
    .innerJoin(
      interpretationReports,
      and(eq(interpretationReports.labResultId, to.labResultId), lt(interpretationReports.version, to.version)),
    )
    .innerJoin(reportSignOffs, eq(reportSignOffs.reportId, interpretationReports.id))
    .where(and(eq(to.id, toReportId), inArray(to.labId, labIds), inArray(interpretationReports.labId, labIds)))
    .orderBy(desc(interpretationReports.version))
    .limit(1);
  return row?.id;
}

/** The comparisons for several reports (each from its default "from"), by report id; lab-scoped. */
export async function listReportDiffsForUser(
  db: Db,
  scope: QueryScope,
  toReportIds: string[],
): Promise<Map<string, ReportDiffView>> {
  const out = new Map<string, ReportDiffView>();
  for (const id of toReportIds) {
    const diff = await getReportDiffForUser(db, scope, id);
    if (diff) out.set(id, diff);
  }
  return out;
}
