/**
 * The turnaround analytics' calendar and arithmetic: pure functions (no database, no
 * React), shared by the query, the page, the chart and the CSV. Weeks are ISO weeks in
 * UTC: Monday 00:00 UTC to the next Monday, named by their Monday (YYYY-MM-DD), as
 * PostgreSQL's `date_trunc('week', t at time zone 'UTC')` names them.
 */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** How many weeks the page covers: the current (partial) week and the 11 before it. */
export const ANALYTICS_WEEKS = 12;

/** The Monday 00:00 UTC that starts the week holding `at`. */
export function weekStartOf(at: Date): Date {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  // getUTCDay: Sunday 0 … Saturday 6; days since Monday: (day + 6) % 7.
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  return new Date(midnight - sinceMonday * DAY_MS);
}

/** A week's name: its Monday as YYYY-MM-DD. */
export function weekKey(weekStart: Date): string {
  return weekStart.toISOString().slice(0, 10);
}

/** The window the figures cover: from the Monday `count - 1` weeks before the current one, to `now`. */
export function analyticsWindow(now: Date, count = ANALYTICS_WEEKS): { from: Date; to: Date; weeks: string[] } {
  if (!Number.isInteger(count) || count < 1) throw new RangeError("count must be a whole number of weeks, at least 1");
  const current = weekStartOf(now).getTime();
  const weeks = Array.from({ length: count }, (_, i) => weekKey(new Date(current - (count - 1 - i) * WEEK_MS)));
  return { from: new Date(current - (count - 1) * WEEK_MS), to: now, weeks };
}

/** The share of spans that ended within the target, 0..1; null when there were none (no share to speak of). */
export function shareWithinTarget(withinTarget: number, count: number): number | null {
  if (count <= 0) return null;
  return Math.min(1, Math.max(0, withinTarget / count));
}

/** A share as a whole percentage ("87%"), or an em dash when there is none. */
export function formatShare(share: number | null): string {
  return share === null ? "—" : `${Math.round(share * 100)}%`;
}

/** A duration in seconds in a reader's words: "45 s", "12 min", "3.5 h", "2.1 d"; an em dash for none. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "—";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** Seconds as hours with two decimals, for the CSV and the chart (a plain number, no unit). */
export function hoursOf(seconds: number | null): number | null {
  return seconds === null ? null : Math.round((seconds / 3600) * 100) / 100;
}
