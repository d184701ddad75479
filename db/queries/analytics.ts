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
 * - sent: the start of the first attempt (submission_attempts, attempt = 1)
 * - accepted: lab_results.accepted_at
 * - report delivered: interpretation_reports.received_at of version 1 (the first report)
 * - first opened: the earliest report_read_marks.first_read_at of a report, by anyone
 * A span that would be negative (clocks) counts as 0 seconds.
 *
 * The spans are one union, one branch per stage ({@link stageSpans}); the figures, the
 * weekly and 12-week groups (grouping sets), are computed over it in the same statement.
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
  /** The week's Monday (YYYY-MM-DD), or null for the whole window. */
  week: string | null;
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
  /** Rows of the stages that have spans (a stage or week without any has no row). */
  figures: StageFigures[];
  /** Every backlog state, zero included, in backlogStateKeys order. */
  backlog: BacklogCount[];
};

/**
 * For the statements' transaction: no JIT (compiling the statement's many expressions costs
 * more than it saves at this size) and room to sort the spans in memory.
 */
const ANALYTICS_SETTINGS = sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`;

/**
 * The spans of every stage that ended in [from, to) in one lab: one union branch per
 * stage, each (stage, started_at, ended_at). `first_opens` (a CTE of the statement) is
 * each report's first opening.
 *
 * Sign-off plugs in HERE, as one more branch once the sign_offs table exists (and its
 * stage's `recorded` becomes true in lib/analytics/stages.ts; no other change):
 *
 *   select ${stageId("signed_off")}, fo.first_read_at, so.signed_off_at
 *   from sign_offs so join first_opens fo on fo.report_id = so.report_id
 *   where so.lab_id = ${labId} and so.signed_off_at >= ${from} and so.signed_off_at < ${to}
 *
 * (taking each report's first sign-off if a report can be signed off more than once).
 */
/** A stage as the statement carries it: its index in turnaroundStageKeys (integers group and sort faster than text). */
function stageId(key: AnalyticsStageKey): SQL {
  return sql.raw(String(turnaroundStageKeys.indexOf(key)));
}

/** A moment as a parameter (raw SQL passes no Date through every driver). */
function stamp(at: Date): SQL {
  return sql`${at.toISOString()}::timestamptz`;
}

function stageSpans(labId: string, from: Date, to: Date): SQL {
  const inWindow = (column: SQL) => sql`${column} >= ${stamp(from)} and ${column} < ${stamp(to)}`;
  const branches: SQL[] = [
    sql`select ${stageId("sent")}::int as stage, lr.created_at as started_at, sa.started_at as ended_at
        from submission_attempts sa join lab_results lr on lr.id = sa.lab_result_id
        where lr.lab_id = ${labId} and sa.attempt = 1 and ${inWindow(sql`sa.started_at`)}`,
    sql`select ${stageId("accepted")}, sa.started_at, lr.accepted_at
        from lab_results lr join submission_attempts sa on sa.lab_result_id = lr.id and sa.attempt = 1
        where lr.lab_id = ${labId} and ${inWindow(sql`lr.accepted_at`)}`,
    sql`select ${stageId("delivered")}, lr.accepted_at, ir.received_at
        from interpretation_reports ir join lab_results lr on lr.id = ir.lab_result_id
        where ir.lab_id = ${labId} and ir.version = 1 and lr.accepted_at is not null and ${inWindow(sql`ir.received_at`)}`,
    sql`select ${stageId("opened")}, fo.received_at, fo.first_read_at
        from first_opens fo where ${inWindow(sql`fo.first_read_at`)}`,
    sql`select ${stageId("overall")}, lr.created_at, ir.received_at
        from interpretation_reports ir join lab_results lr on lr.id = ir.lab_result_id
        where ir.lab_id = ${labId} and ir.version = 1 and ${inWindow(sql`ir.received_at`)}`,
  ];
  return sql.join(branches, sql` union all `);
}

/**
 * Each report of the lab with its first opening (the earliest first read by any user),
 * for the reports first opened at or after `from`: a read mark counts when no earlier
 * mark of the same report exists (report_read_marks_report_first_read_idx).
 */
function firstOpens(labId: string, from: Date): SQL {
  return sql`select m.report_id, ir.received_at, m.first_read_at
    from report_read_marks m join interpretation_reports ir on ir.id = m.report_id
    where ir.lab_id = ${labId} and m.first_read_at >= ${stamp(from)}
      and not exists (
        select 1 from report_read_marks e
        where e.report_id = m.report_id
          and (e.first_read_at < m.first_read_at or (e.first_read_at = m.first_read_at and e.user_id < m.user_id))
      )`;
}

type FigureRow = {
  stage: number;
  week: string | null;
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

/** The statement of the figures (exported for the benchmark's EXPLAIN). */
export function turnaroundFiguresSql(labId: string, from: Date, to: Date): SQL {
  return sql`
    with target as (select turnaround_hours * 3600 as seconds from labs where id = ${labId}),
    first_opens as (${firstOpens(labId, from)}),
    spans as (${stageSpans(labId, from, to)}),
    durations as (
      select stage, date_trunc('week', ended_at at time zone 'UTC') as week,
             greatest(extract(epoch from ended_at - started_at), 0)::float8 as seconds
      from spans
    )
    select d.stage, to_char(d.week, 'YYYY-MM-DD') as week, count(*)::int as count,
           count(*) filter (where d.seconds <= t.seconds)::int as within_target,
           percentile_cont(0.5) within group (order by d.seconds) as median,
           percentile_cont(0.9) within group (order by d.seconds) as p90,
           percentile_cont(0.95) within group (order by d.seconds) as p95
    from durations d cross join target t
    group by grouping sets ((d.stage, d.week), (d.stage))
    order by d.stage, d.week nulls first`;
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
    where ir.lab_id = ${labId}
      and not exists (select 1 from report_read_marks m where m.report_id = ir.id)`;
}

/**
 * The turnaround figures of the scope's current lab for the spans that ended in [from, to),
 * and its backlog now. Null without a current lab (nothing to show).
 */
export async function getTurnaroundFigures(
  db: Db,
  scope: QueryScope,
  window: { from: Date; to: Date },
): Promise<TurnaroundFigures | null> {
  const labId = currentLabOf(scope);
  if (labId === null) return null;
  const [labRows, figureRows, backlogRows] = await db.transaction(async (tx) => {
    await tx.execute(ANALYTICS_SETTINGS);
    return [
      await tx.execute(sql`select turnaround_hours from labs where id = ${labId}`),
      await tx.execute(turnaroundFiguresSql(labId, window.from, window.to)),
      await tx.execute(backlogSql(labId)),
    ];
  });
  const lab = rowsOf<{ turnaround_hours: number }>(labRows)[0];
  if (!lab) return null;
  const figures = rowsOf<FigureRow>(figureRows)
    .filter((row) => turnaroundStageKeys[Number(row.stage)] !== undefined)
    .map((row) => ({
      stage: turnaroundStageKeys[Number(row.stage)]!,
      week: row.week,
      count: Number(row.count),
      withinTarget: Number(row.within_target),
      medianSeconds: row.median === null ? null : Number(row.median),
      p90Seconds: row.p90 === null ? null : Number(row.p90),
      p95Seconds: row.p95 === null ? null : Number(row.p95),
    }));
  const counts = new Map(rowsOf<{ state: string; count: number }>(backlogRows).map((r) => [r.state, Number(r.count)]));
  return {
    labId,
    turnaroundHours: Number(lab.turnaround_hours),
    figures,
    backlog: backlogStateKeys.map((state) => ({ state, count: counts.get(state) ?? 0 })),
  };
}
