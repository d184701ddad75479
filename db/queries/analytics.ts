import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { currentLabOf, type QueryScope } from "./scope";

/**
 * Turnaround analytics of the current lab, computed in PostgreSQL (percentile_cont).
 *
 * Every stage is a span (started_at, ended_at) of one lab result or report, and belongs to
 * the week (UTC, Monday first) in which it ENDED: a week's figures are the spans that
 * completed in it. Where the moments come from:
 * - uploaded: lab_results.created_at
 * - sent: the start of the first attempt (submission_attempts, attempt = 1), kept on the lab
 *   result as lab_results.first_sent_at
 * - accepted: lab_results.accepted_at
 * - report delivered: interpretation_reports.received_at of version 1 (the first report)
 * - first opened: the earliest report_read_marks.first_read_at of a report, by anyone, kept
 *   on the report as interpretation_reports.first_opened_at
 * The two kept moments are set by triggers on the history tables (migration 0015), so a
 * view reads each stage from the rows it ends, by index, without searching the history.
 * A span that would be negative (clocks) counts as 0 seconds.
 *
 * The spans are one union, a branch per stage ({@link stageSpans}; delivered and overall
 * share one); the figures per stage and week are computed over it (percentile_cont). A
 * completed week's figures never change (its spans all ended in it), so they are computed
 * once and kept in analytics_week_figures; only the current week is computed on every view
 * ({@link getTurnaroundFigures}). There are no exact percentiles over the whole window
 * (separate weeks' percentiles do not combine).
 */

/** The stages, as the SQL names them (labels and order for readers: lib/analytics/stages.ts). */
export const turnaroundStageKeys = ["sent", "accepted", "delivered", "opened", "signed_off", "overall"] as const;
export type AnalyticsStageKey = (typeof turnaroundStageKeys)[number];

/** The backlog's states, as the SQL names them. */
export const backlogStateKeys = [
  "needs_confirmation",
  "queued",
  "sending",
  "retrying",
  "waiting_for_report",
  "report_unopened",
  "rejected",
  "failed",
] as const;
export type BacklogStateKey = (typeof backlogStateKeys)[number];

export type StageFigures = {
  stage: AnalyticsStageKey;
  /** The week's Monday (YYYY-MM-DD). */
  week: string;
  count: number;
  /** Spans that took at most the lab's turnaround target. */
  withinTarget: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  p95Seconds: number | null;
};

export type BacklogCount = { state: BacklogStateKey; count: number };

export type TurnaroundFigures = {
  labId: string;
  /** The lab's turnaround setting (labs.turnaround_hours), the target of "within target". */
  turnaroundHours: number;
  /** Rows of the stages and weeks that have spans (a stage or week without any has no row), by stage and week. */
  figures: StageFigures[];
  /** Every backlog state, zero included, in backlogStateKeys order. */
  backlog: BacklogCount[];
};

/**
 * For the statements' transaction: no JIT (compiling the statement's many expressions costs
 * more than it saves at this size) and room to sort the spans in memory.
 */
const ANALYTICS_SETTINGS = sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`;

/** A stage as the statement carries it: its index in turnaroundStageKeys (integers group and sort faster than text). */
function stageId(key: AnalyticsStageKey): SQL {
  return sql.raw(String(turnaroundStageKeys.indexOf(key)));
}

/** A moment as a parameter (raw SQL passes no Date through every driver). */
function stamp(at: Date): SQL {
  return sql`${at.toISOString()}::timestamptz`;
}

/**
 * The spans of every stage that ended in [from, to) in one lab: one union branch per
 * stage (delivered and overall share one), each (stage, started_at, ended_at), each read
 * from the rows the stage ends by a (lab, moment) index.
 */
function stageSpans(labId: string, from: Date, to: Date): SQL {
  const inWindow = (column: SQL) => sql`${column} >= ${stamp(from)} and ${column} < ${stamp(to)}`;
  const branches: SQL[] = [
    sql`select ${stageId("sent")}::int as stage, lr.created_at as started_at, lr.first_sent_at as ended_at
        from lab_results lr
        where lr.lab_id = ${labId} and ${inWindow(sql`lr.first_sent_at`)}`,
    sql`select ${stageId("accepted")}, lr.first_sent_at, lr.accepted_at
        from lab_results lr
        where lr.lab_id = ${labId} and ${inWindow(sql`lr.accepted_at`)} and lr.first_sent_at is not null`,
    // Accepted -> report delivered and uploaded -> report delivered (end to end) end at the
    // same moment (a first report's delivery): one join of the first reports with their lab
    // results gives both spans (the first only once accepted), not two of the same join.
    sql`select s.stage, s.started_at, ir.received_at
        from interpretation_reports ir join lab_results lr on lr.id = ir.lab_result_id
        cross join lateral (values (${stageId("delivered")}, lr.accepted_at), (${stageId("overall")}, lr.created_at)) s(stage, started_at)
        where ir.lab_id = ${labId} and ir.version = 1 and ${inWindow(sql`ir.received_at`)}
          and (s.stage = ${stageId("overall")} or lr.accepted_at is not null)`,
    sql`select ${stageId("opened")}, ir.received_at, ir.first_opened_at
        from interpretation_reports ir
        where ir.lab_id = ${labId} and ${inWindow(sql`ir.first_opened_at`)}`,
    // Opened -> signed off: from the report version's first opening by anyone (its delivery
    // when no one opened it first) to its sign-off (one per version: report_sign_offs_report_key).
    sql`select ${stageId("signed_off")}, coalesce(ir.first_opened_at, ir.received_at), so.signed_off_at
        from report_sign_offs so join interpretation_reports ir on ir.id = so.report_id
        where so.lab_id = ${labId} and ${inWindow(sql`so.signed_off_at`)}`,
  ];
  return sql.join(branches, sql` union all `);
}

type FigureRow = {
  stage: number;
  week: string;
  count: number;
  within_target: number;
  median: number | null;
  p90: number | null;
  p95: number | null;
};

function rowsOf<T>(result: unknown): T[] {
  // postgres.js answers with the rows, PGlite with an object holding them.
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/**
 * The stages {@link stageSpans} has a branch for (a computed week stores a row for each,
 * count 0 included). Sign-off adds its id here with its branch; the weeks already stored
 * then lack it, so that change also empties analytics_week_figures (a migration's
 * `delete from analytics_week_figures`) to have them computed again.
 */
const spanStages: readonly AnalyticsStageKey[] = ["sent", "accepted", "delivered", "opened", "signed_off", "overall"];

/**
 * How long after a week's end its figures count as final and are stored: a span that
 * ended just before Monday 00:00 UTC may be committed a little later (a send or a
 * delivery in flight). Until then the week just ended is computed live with the current one.
 */
export const SETTLE_MS = 3_600_000;

/**
 * The figures per (stage, week) of the spans that ended in [from, to): count, within the
 * target (`targetHours`), median, p90, p95 (exported for the benchmark's EXPLAIN).
 */
export function turnaroundFiguresSql(labId: string, from: Date, to: Date, targetHours: number): SQL {
  return sql`
    with spans as (${stageSpans(labId, from, to)}),
    durations as (
      select stage, date_trunc('week', ended_at at time zone 'UTC') as week,
             greatest(extract(epoch from ended_at - started_at), 0)::float8 as seconds
      from spans
    )
    select g.stage, to_char(g.week, 'YYYY-MM-DD') as week, g.count, g.within_target,
           g.p[1] as median, g.p[2] as p90, g.p[3] as p95
    from (
      -- The three percentiles from one sort of each group's spans (one aggregate, not three).
      select d.stage, d.week, count(*)::int as count,
             count(*) filter (where d.seconds <= ${targetHours}::int * 3600)::int as within_target,
             percentile_cont(array[0.5, 0.9, 0.95]::float8[]) within group (order by d.seconds) as p
      from durations d
      group by d.stage, d.week
    ) g
    order by g.stage, g.week`;
}

/**
 * Computes the given completed weeks (Mondays, YYYY-MM-DD) of a lab for a target and
 * stores them: one row per recorded stage and week, count 0 included; on conflict
 * nothing (another instance stored the same week meanwhile: the same figures).
 */
export function storeWeeksSql(labId: string, targetHours: number, weeks: readonly string[]): SQL {
  const sorted = [...weeks].sort();
  const from = new Date(`${sorted[0]}T00:00:00Z`);
  const to = new Date(new Date(`${sorted.at(-1)}T00:00:00Z`).getTime() + WEEK_MS);
  const missing = sql.join(
    sorted.map((week) => sql`(${week}::date)`),
    sql`, `,
  );
  const stages = sql.join(
    spanStages.map((key) => sql`(${stageId(key)})`),
    sql`, `,
  );
  return sql`
    insert into analytics_week_figures
      (lab_id, target_hours, week_start, stage, count, within_target, median_seconds, p90_seconds, p95_seconds)
    with missing(week) as (values ${missing}),
    stages(stage) as (values ${stages}),
    figures as (${turnaroundFiguresSql(labId, from, to, targetHours)})
    select ${labId}::uuid, ${targetHours}::int, m.week, s.stage, coalesce(f.count, 0), coalesce(f.within_target, 0),
           f.median, f.p90, f.p95
    from missing m cross join stages s
    left join figures f on f.stage = s.stage and f.week = to_char(m.week, 'YYYY-MM-DD')
    on conflict do nothing`;
}

const WEEK_MS = 7 * 86_400_000;

/** The Monday 00:00 UTC of the week holding `at` (as lib/analytics/weeks.ts; db does not import lib). */
function mondayOf(at: Date): Date {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return new Date(midnight - ((new Date(midnight).getUTCDay() + 6) % 7) * 86_400_000);
}

/**
 * How the window splits: completed weeks (stored, read from analytics_week_figures) are
 * [from, liveFrom), the rest up to `to` is computed live. `weeks`: the completed weeks' Mondays.
 */
export function splitWindow(window: { from: Date; to: Date }): { liveFrom: Date; weeks: string[] } {
  const settled = mondayOf(new Date(window.to.getTime() - SETTLE_MS));
  const liveFrom = new Date(Math.max(settled.getTime(), window.from.getTime()));
  const weeks: string[] = [];
  for (let at = mondayOf(window.from).getTime(); at < liveFrom.getTime(); at += WEEK_MS)
    if (at >= window.from.getTime()) weeks.push(new Date(at).toISOString().slice(0, 10));
  return { liveFrom, weeks };
}

/** The stored weeks of a lab and target in [from, to) (which of them exist). */
export function storedWeeksSql(labId: string, targetHours: number, from: Date, to: Date): SQL {
  return sql`select distinct to_char(week_start, 'YYYY-MM-DD') as week from analytics_week_figures
    where lab_id = ${labId} and target_hours = ${targetHours}::int
      and week_start >= ${stamp(from)}::date and week_start < ${stamp(to)}::date`;
}

/** The stored figures of a lab and target in [from, to), stages with spans only. */
export function storedFiguresSql(labId: string, targetHours: number, from: Date, to: Date): SQL {
  return sql`select stage, to_char(week_start, 'YYYY-MM-DD') as week, count, within_target,
      median_seconds as median, p90_seconds as p90, p95_seconds as p95
    from analytics_week_figures
    where lab_id = ${labId} and target_hours = ${targetHours}::int
      and week_start >= ${stamp(from)}::date and week_start < ${stamp(to)}::date and count > 0
    order by stage, week_start`;
}

/** The statement of the backlog (exported for the benchmark's EXPLAIN). */
export function backlogSql(labId: string): SQL {
  return sql`
    select case when status = 'accepted' then 'waiting_for_report' else status::text end as state, count(*)::int as count
    from lab_results
    where lab_id = ${labId}
      and status in ('needs_confirmation', 'queued', 'sending', 'retrying', 'accepted', 'rejected', 'failed')
      and not (status = 'accepted' and mode = 'store_only')
    group by 1
    union all
    select 'report_unopened', count(*)::int from interpretation_reports ir
    where ir.lab_id = ${labId} and ir.first_opened_at is null`;
}

/**
 * The turnaround figures of the scope's current lab, per stage and week, for the spans that
 * ended in [from, to), and its backlog now. Null without a current lab (nothing to show).
 *
 * Completed weeks come from analytics_week_figures (for the lab's current target); a
 * completed week of the window missing there is computed and stored first (the first view
 * after a week ends, or after the target changed); the current week is computed live.
 */
export async function getTurnaroundFigures(
  db: Db,
  scope: QueryScope,
  window: { from: Date; to: Date },
): Promise<TurnaroundFigures | null> {
  const labId = currentLabOf(scope);
  if (labId === null) return null;
  const answer = await db.transaction(async (tx) => {
    await tx.execute(ANALYTICS_SETTINGS);
    const lab = rowsOf<{ turnaround_hours: number }>(
      await tx.execute(sql`select turnaround_hours from labs where id = ${labId}`),
    )[0];
    if (!lab) return null;
    const target = Number(lab.turnaround_hours);
    const { liveFrom, weeks } = splitWindow(window);
    let stored: FigureRow[] = [];
    if (weeks.length > 0) {
      const have = new Set(
        rowsOf<{ week: string }>(await tx.execute(storedWeeksSql(labId, target, window.from, liveFrom))).map(
          (r) => r.week,
        ),
      );
      const missing = weeks.filter((week) => !have.has(week));
      if (missing.length > 0) await tx.execute(storeWeeksSql(labId, target, missing));
      stored = rowsOf<FigureRow>(await tx.execute(storedFiguresSql(labId, target, window.from, liveFrom)));
    }
    const live =
      liveFrom < window.to
        ? rowsOf<FigureRow>(await tx.execute(turnaroundFiguresSql(labId, liveFrom, window.to, target)))
        : [];
    const backlog = rowsOf<{ state: string; count: number }>(await tx.execute(backlogSql(labId)));
    return { target, rows: [...stored, ...live], backlog };
  });
  if (!answer) return null;
  const figures = answer.rows
    .filter((row) => turnaroundStageKeys[Number(row.stage)] !== undefined)
    .map((row) => ({
      stage: turnaroundStageKeys[Number(row.stage)]!,
      week: row.week,
      count: Number(row.count),
      withinTarget: Number(row.within_target),
      medianSeconds: row.median === null ? null : Number(row.median),
      p90Seconds: row.p90 === null ? null : Number(row.p90),
      p95Seconds: row.p95 === null ? null : Number(row.p95),
    }))
    .sort(
      (a, b) =>
        turnaroundStageKeys.indexOf(a.stage) - turnaroundStageKeys.indexOf(b.stage) || a.week.localeCompare(b.week),
    );
  const counts = new Map(answer.backlog.map((r) => [r.state, Number(r.count)]));
  return {
    labId,
    turnaroundHours: answer.target,
    figures,
    backlog: backlogStateKeys.map((state) => ({ state, count: counts.get(state) ?? 0 })),
  };
}
