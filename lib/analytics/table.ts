import type { BacklogCount, StageFigures, TurnaroundFigures } from "@/db/queries/analytics";
import { analyticsStages, type AnalyticsStageKey } from "./stages";
import { hoursOf, shareWithinTarget } from "./weeks";

/**
 * The figures as the page, the chart and the CSV read them: every stage, every week of the
 * window (a week without spans has count 0 and no percentiles), and the whole window.
 * Pure: no database, no React.
 *
 * The whole window has the count and the count within target (sums of the weeks, exact)
 * but no percentiles: the weeks' percentiles do not combine into the window's. Beside it
 * the summary shows the last complete week's percentiles (`lastCompleteWeek`).
 */

export type { BacklogCount };

export type FigureCell = {
  count: number;
  withinTarget: number;
  /** withinTarget / count, 0..1; null without spans. */
  share: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
  p95Seconds: number | null;
};

export type StageTable = {
  key: AnalyticsStageKey;
  label: string;
  /** False: the portal does not record this stage's end yet ("not recorded yet"). */
  recorded: boolean;
  /** The whole window: count, within target and share; no percentiles (always null). */
  total: FigureCell;
  /** The last complete week (the one before the current week), or null when the window has only the current week. */
  lastCompleteWeek: (FigureCell & { week: string }) | null;
  /** One per week of the window, oldest first, in the order of `weeks`. */
  byWeek: (FigureCell & { week: string })[];
};

const empty: FigureCell = {
  count: 0,
  withinTarget: 0,
  share: null,
  medianSeconds: null,
  p90Seconds: null,
  p95Seconds: null,
};

function cellOf(row: StageFigures | undefined): FigureCell {
  if (!row) return empty;
  return {
    count: row.count,
    withinTarget: row.withinTarget,
    share: shareWithinTarget(row.withinTarget, row.count),
    medianSeconds: row.medianSeconds,
    p90Seconds: row.p90Seconds,
    p95Seconds: row.p95Seconds,
  };
}

/** Every stage with its whole-window cell and one cell per week of `weeks` (oldest first; the last is the current week). */
export function stageTables(figures: Pick<TurnaroundFigures, "figures">, weeks: readonly string[]): StageTable[] {
  const byKey = new Map(figures.figures.map((row) => [`${row.stage}|${row.week}`, row]));
  return analyticsStages.map((stage) => {
    const byWeek = weeks.map((week) => ({ week, ...cellOf(byKey.get(`${stage.key}|${week}`)) }));
    const count = byWeek.reduce((sum, week) => sum + week.count, 0);
    const withinTarget = byWeek.reduce((sum, week) => sum + week.withinTarget, 0);
    return {
      key: stage.key,
      label: stage.label,
      recorded: stage.recorded,
      total: { ...empty, count, withinTarget, share: shareWithinTarget(withinTarget, count) },
      lastCompleteWeek: byWeek.length >= 2 ? byWeek.at(-2)! : null,
      byWeek,
    };
  });
}

export const CSV_HEADER = [
  "stage",
  "week_starting",
  "count",
  "within_target",
  "share_within_target",
  "median_hours",
  "p90_hours",
  "p95_hours",
  "target_hours",
] as const;

/**
 * The CSV's rows after its header: per stage its whole window ("all" in week_starting:
 * count, within target and share; no percentiles) and then each week. A stage not recorded yet has one row saying so. Durations in hours
 * (two decimals), the share as a fraction with three decimals; empty cells where there is
 * no figure.
 */
export function csvRows(tables: readonly StageTable[], targetHours: number): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  const line = (stage: string, week: string, cell: FigureCell) => [
    stage,
    week,
    cell.count,
    cell.withinTarget,
    cell.share === null ? null : Math.round(cell.share * 1000) / 1000,
    hoursOf(cell.medianSeconds),
    hoursOf(cell.p90Seconds),
    hoursOf(cell.p95Seconds),
    targetHours,
  ];
  for (const table of tables) {
    if (!table.recorded) {
      rows.push([table.label, "not recorded yet", null, null, null, null, null, null, targetHours]);
      continue;
    }
    rows.push(line(table.label, "all", table.total));
    for (const week of table.byWeek) rows.push(line(table.label, week.week, week));
  }
  return rows;
}
