import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyticsWindow } from "@/lib/analytics/weeks";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { getTurnaroundFigures, splitWindow, type StageFigures } from "./analytics";
import { createLab } from "./labs";
import { createUser } from "./users";

/* Known timestamps in, known medians / percentiles / counts out, and lab B never counted for lab A. */

const NOW = new Date("2026-12-09T12:00:00Z"); // a Wednesday: the current week starts Monday 2026-12-07
const CURRENT_WEEK = "2026-12-07";
const LAST_WEEK = "2026-11-30";
const TWO_WEEKS_AGO = "2026-11-23";
const MIN = 60_000;
const HOUR = 3_600_000;

let t: TestDb;
let labA: string;
let labB: string;
let doctorA: string;
let readerA: string;
let seq = 0;

type Timeline = {
  uploaded: Date;
  sent?: Date;
  accepted?: Date;
  delivered?: Date;
  /** Read marks of the first report: [user, first read]. */
  reads?: [string, Date][];
  /** The first report's sign-off: [user, when]. */
  signedOff?: [string, Date];
  status?: string;
  mode?: "interpret" | "store_only";
};

/** One lab result with its first attempt, first report and read marks at the given moments. */
async function seed(labId: string, line: Timeline): Promise<void> {
  const n = ++seq;
  const status = line.status ?? (line.delivered ? "report_ready" : line.accepted ? "accepted" : "queued");
  const ids = await t.db.execute<{ patient: string; document: string }>(sql`
    with p as (
      insert into patients (lab_id, patient_id, given_name, family_name) values (${labId}, ${`P-${n}`}, 'Ada', 'Test') returning id
    ), d as (
      insert into documents (lab_id, bytes, sha256, size_bytes, mime_type, file_name)
      values (${labId}, '\\x00', ${`sha-${n}`}, 1, 'application/pdf', 'r.pdf') returning id
    )
    select p.id as patient, d.id as document from p, d`);
  const row = (
    Array.isArray(ids) ? ids : (ids as unknown as { rows: { patient: string; document: string }[] }).rows
  )[0]!;
  const result = await t.db.execute<{ id: string }>(sql`
    insert into lab_results (lab_id, patient_id, document_id, accession_number, mode, status, attempts, accepted_at, created_at)
    values (${labId}, ${row.patient}, ${row.document}, ${`ACC-${n}`}, ${line.mode ?? "interpret"}, ${status}::lab_result_status,
            ${line.sent ? 1 : 0}, ${iso(line.accepted)}::timestamptz, ${iso(line.uploaded)}::timestamptz)
    returning id`);
  const labResultId = (Array.isArray(result) ? result : (result as unknown as { rows: { id: string }[] }).rows)[0]!.id;
  if (line.sent)
    await t.db.execute(
      sql`insert into submission_attempts (lab_result_id, attempt, started_at) values (${labResultId}, 1, ${iso(line.sent)}::timestamptz)`,
    );
  if (!line.delivered) return;
  const report = await t.db.execute<{ id: string }>(sql`
    insert into interpretation_reports (lab_id, patient_id, lab_result_id, match_state, delivered_patient_id, document_id, version, idempotency_key, received_at)
    values (${labId}, ${row.patient}, ${labResultId}, 'matched', ${`P-${n}`}, ${row.document}, 1, ${`key-${n}`}, ${iso(line.delivered)}::timestamptz)
    returning id`);
  const reportId = (Array.isArray(report) ? report : (report as unknown as { rows: { id: string }[] }).rows)[0]!.id;
  for (const [userId, at] of line.reads ?? [])
    await t.db.execute(
      sql`insert into report_read_marks (user_id, report_id, first_read_at) values (${userId}, ${reportId}, ${iso(at)}::timestamptz)`,
    );
  if (line.signedOff)
    await t.db.execute(
      sql`insert into report_sign_offs (report_id, lab_id, signed_off_by, signed_off_at) values (${reportId}, ${labId}, ${line.signedOff[0]}, ${iso(line.signedOff[1])}::timestamptz)`,
    );
}

const iso = (d: Date | undefined) => d?.toISOString() ?? null;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

function figure(rows: StageFigures[], stage: string, week: string): StageFigures | undefined {
  return rows.find((r) => r.stage === stage && r.week === week);
}

/** A stage's count and within-target count over the whole window (the weeks' sums). */
function total(rows: StageFigures[], stage: string): { count: number; withinTarget: number } {
  const weeks = rows.filter((r) => r.stage === stage);
  return {
    count: weeks.reduce((sum, r) => sum + r.count, 0),
    withinTarget: weeks.reduce((sum, r) => sum + r.withinTarget, 0),
  };
}

/** The stored rows of a lab (every stage and week, count 0 included), by target. */
async function storedRows(labId: string): Promise<{ target_hours: number; rows: number }[]> {
  const result = await t.db.execute(
    sql`select target_hours, count(*)::int as rows from analytics_week_figures where lab_id = ${labId} group by 1 order by 1`,
  );
  return (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as {
    target_hours: number;
    rows: number;
  }[];
}

beforeAll(async () => {
  t = await createTestDb();
  labA = (await createLab(t.db, { name: "Analytics A", partnerLabId: "an-a" })).id;
  labB = (await createLab(t.db, { name: "Analytics B", partnerLabId: "an-b" })).id;
  doctorA = (
    await createUser(t.db, { email: "d@a.test", name: "D", passwordHash: "x", role: "doctor", labIds: [labA] })
  ).id;
  readerA = (
    await createUser(t.db, { email: "r@a.test", name: "R", passwordHash: "x", role: "doctor", labIds: [labA] })
  ).id;
  await t.db.execute(sql`update labs set turnaround_hours = 48 where id = ${labA}`);

  // Lab A, this week: sent 1..5 minutes after upload, accepted 10 minutes after sending.
  const monday = new Date("2026-12-07T08:00:00Z");
  const deliveredAfter = [1 * HOUR, 2 * HOUR]; // the other three wait for their report
  for (let i = 0; i < 5; i++) {
    const uploaded = at(monday, i * MIN); // all in the current week, before NOW
    const sent = at(uploaded, (i + 1) * MIN);
    const accepted = at(sent, 10 * MIN);
    const delay = deliveredAfter[i];
    const delivered = delay === undefined ? undefined : at(accepted, delay);
    const reads: [string, Date][] | undefined =
      i === 0 && delivered
        ? [
            [doctorA, at(delivered, 30 * MIN)],
            [readerA, at(delivered, 10 * MIN)],
          ]
        : undefined;
    // The first report is signed off 50 minutes after its delivery: 40 after its first opening.
    const signedOff: [string, Date] | undefined = i === 0 && delivered ? [doctorA, at(delivered, 50 * MIN)] : undefined;
    await seed(labA, { uploaded, sent, accepted, delivered, reads, signedOff });
  }
  // Lab A, last week: one delivered 60 hours after acceptance (outside the 48 h target).
  const lastWeek = new Date("2026-11-30T09:00:00Z");
  await seed(labA, {
    uploaded: lastWeek,
    sent: at(lastWeek, 30_000),
    accepted: at(lastWeek, 60_000),
    delivered: at(lastWeek, 60_000 + 60 * HOUR),
  });
  // Lab A, 20 weeks ago: outside the 12 weeks.
  const old = new Date("2026-07-20T09:00:00Z");
  await seed(labA, { uploaded: old, sent: at(old, MIN), accepted: at(old, 2 * MIN), delivered: at(old, 3 * HOUR) });
  // Lab A's backlog (two weeks ago): one held, one queued (never sent), one rejected, one accepted store-only (done, not backlog).
  const twoWeeksAgo = new Date("2026-11-23T09:00:00Z");
  await seed(labA, { uploaded: twoWeeksAgo, status: "needs_confirmation" });
  await seed(labA, { uploaded: twoWeeksAgo, status: "queued" });
  await seed(labA, { uploaded: twoWeeksAgo, sent: at(twoWeeksAgo, MIN), status: "rejected" });
  await seed(labA, {
    uploaded: twoWeeksAgo,
    sent: at(twoWeeksAgo, MIN),
    accepted: at(twoWeeksAgo, 2 * MIN),
    status: "accepted",
    mode: "store_only",
  });
  // Lab B, this week: very slow, many of them; none of it may reach lab A's figures.
  for (let i = 0; i < 7; i++) {
    const uploaded = at(monday, i * MIN);
    await seed(labB, {
      uploaded,
      sent: at(uploaded, 20 * HOUR),
      accepted: at(uploaded, 21 * HOUR),
      delivered: at(uploaded, 22 * HOUR),
      status: i === 0 ? "failed" : undefined,
    });
  }
  await seed(labB, { uploaded: at(monday, -HOUR), status: "queued" });
});

afterAll(async () => {
  await t?.close();
});

describe("turnaround figures", () => {
  it("computes count, median, p90, p95 and the share within target per stage and week", async () => {
    const figures = await getTurnaroundFigures(t.db, scopeFor(doctorA, [labA]), analyticsWindow(NOW));
    expect(figures?.labId).toBe(labA);
    expect(figures?.turnaroundHours).toBe(48);
    const rows = figures!.figures;

    // Uploaded -> sent, this week: 60, 120, 180, 240, 300 s.
    const sent = figure(rows, "sent", CURRENT_WEEK)!;
    expect(sent.count).toBe(5);
    expect(sent.medianSeconds).toBeCloseTo(180);
    expect(sent.p90Seconds).toBeCloseTo(276); // 240 + 0.6 * 60 (linear interpolation)
    expect(sent.p95Seconds).toBeCloseTo(288);
    expect(sent.withinTarget).toBe(5);
    // The whole window: this week's five, last week's one (30 s), and two weeks ago two (60 s).
    expect(total(rows, "sent")).toEqual({ count: 8, withinTarget: 8 });
    expect(figure(rows, "sent", LAST_WEEK)?.medianSeconds).toBeCloseTo(30);
    expect(figure(rows, "sent", TWO_WEEKS_AGO)).toMatchObject({ count: 2, medianSeconds: 60 });

    expect(figure(rows, "accepted", CURRENT_WEEK)).toMatchObject({ count: 5, medianSeconds: 600 });

    // Accepted -> delivered: this week 1 h and 2 h, last week 60 h (outside the 48 h target).
    const delivered = figure(rows, "delivered", CURRENT_WEEK)!;
    expect(delivered.count).toBe(2);
    expect(delivered.medianSeconds).toBeCloseTo(1.5 * 3600);
    expect(delivered.withinTarget).toBe(2);
    expect(total(rows, "delivered")).toEqual({ count: 3, withinTarget: 2 });
    expect(figure(rows, "delivered", LAST_WEEK)).toMatchObject({ count: 1, withinTarget: 0, medianSeconds: 60 * 3600 });

    // Delivered -> first opened: the earlier of the two readers, 10 minutes.
    expect(figure(rows, "opened", CURRENT_WEEK)).toMatchObject({ count: 1, medianSeconds: 600 });
    expect(total(rows, "opened").count).toBe(1);

    // End to end: upload -> first report, this week (1 h and 2 h plus the send and acceptance).
    expect(figure(rows, "overall", CURRENT_WEEK)?.count).toBe(2);

    // First opened -> signed off: from the earlier reader's opening, 40 minutes.
    expect(figure(rows, "signed_off", CURRENT_WEEK)).toMatchObject({ count: 1, medianSeconds: 2400 });
    // The old lab result (20 weeks ago) is in no week.
    expect(rows.every((r) => r.week >= "2026-09-21")).toBe(true);
  });

  it("counts the backlog by state, store-only acceptances excluded", async () => {
    const figures = await getTurnaroundFigures(t.db, scopeFor(doctorA, [labA]), analyticsWindow(NOW));
    const backlog = Object.fromEntries(figures!.backlog.map((b) => [b.state, b.count]));
    expect(backlog).toMatchObject({
      needs_confirmation: 1,
      queued: 1,
      rejected: 1,
      failed: 0,
      sending: 0,
      // This week's three accepted lab results without a report.
      waiting_for_report: 3,
      // Reports of lab A no one opened: this week's second, last week's, the old one (lab B's seven are not counted).
      report_unopened: 3,
    });
  });

  it("never counts lab B's data for lab A, and the other way round", async () => {
    const a = await getTurnaroundFigures(t.db, scopeFor(doctorA, [labA]), analyticsWindow(NOW));
    // Lab B's sends took 20 hours; lab A's at most 5 minutes, in every week and overall.
    expect(a!.figures.filter((r) => r.stage === "sent").every((r) => (r.p95Seconds ?? 0) < 3600)).toBe(true);
    expect(figure(a!.figures, "sent", CURRENT_WEEK)?.count).toBe(5);
    const b = await getTurnaroundFigures(t.db, scopeFor(doctorA, [labB]), analyticsWindow(NOW));
    expect(figure(b!.figures, "sent", CURRENT_WEEK)).toMatchObject({ count: 7, medianSeconds: 20 * 3600 });
    // Both labs' completed weeks are stored now; lab B's stored rows, marked, are read for lab B and never for lab A.
    expect(await storedRows(labB)).toEqual([{ target_hours: 48, rows: 11 * 6 }]);
    await t.db.execute(
      sql`update analytics_week_figures set count = 999 where lab_id = ${labB} and week_start = ${LAST_WEEK}`,
    );
    const aAgain = await getTurnaroundFigures(t.db, scopeFor(doctorA, [labA]), analyticsWindow(NOW));
    expect(aAgain!.figures.some((r) => r.count === 999)).toBe(false);
    expect(aAgain!.figures).toEqual(a!.figures);
    const bAgain = await getTurnaroundFigures(t.db, scopeFor(doctorA, [labB]), analyticsWindow(NOW));
    expect(figure(bAgain!.figures, "sent", LAST_WEEK)?.count).toBe(999);
    expect(Object.fromEntries(b!.backlog.map((x) => [x.state, x.count]))).toMatchObject({ queued: 1, failed: 1 });
    // Working in lab B while a member of lab A only: the scope's current lab is not one of its labs.
    expect(await getTurnaroundFigures(t.db, scopeFor(doctorA, [labA], labB), analyticsWindow(NOW))).toBeNull();
    expect(await getTurnaroundFigures(t.db, scopeFor(doctorA, [], null), analyticsWindow(NOW))).toBeNull();
  });

  it("keeps each lab result's first send and each report's first opening from the history, whoever writes it", async () => {
    const rowsOf = <T>(r: unknown) => (Array.isArray(r) ? (r as T[]) : (r as { rows: T[] }).rows);
    const uploaded = new Date(NOW.getTime() - 10 * HOUR);
    await seed(labA, {
      uploaded,
      accepted: new Date(NOW.getTime() - 9 * HOUR),
      delivered: new Date(NOW.getTime() - 8 * HOUR),
    });
    const [lr] = rowsOf<{ id: string; first_sent_at: Date | null }>(
      await t.db.execute(sql`select id, first_sent_at from lab_results where accession_number = ${`ACC-${seq}`}`),
    );
    expect(lr!.first_sent_at).toBeNull();
    const before = await getTurnaroundFigures(t.db, scopeFor(doctorA, [labA]), analyticsWindow(NOW));
    // Attempts in one statement, then a later one: the first attempt's start, never a retry's.
    const firstSent = new Date(NOW.getTime() - 9.5 * HOUR);
    await t.db.execute(sql`insert into submission_attempts (lab_result_id, attempt, started_at) values
      (${lr!.id}, 2, ${iso(new Date(NOW.getTime() - 9.2 * HOUR))}::timestamptz), (${lr!.id}, 1, ${iso(firstSent)}::timestamptz)`);
    await t.db.execute(
      sql`insert into submission_attempts (lab_result_id, attempt, started_at) values (${lr!.id}, 3, now())`,
    );
    const sentNow = rowsOf<{ first_sent_at: Date | string }>(
      await t.db.execute(sql`select first_sent_at from lab_results where id = ${lr!.id}`),
    );
    expect(new Date(sentNow[0]!.first_sent_at).toISOString()).toBe(firstSent.toISOString());

    // Read marks, the later reader's first: the earliest stays; unread reports count as unopened.
    const [report] = rowsOf<{ id: string }>(
      await t.db.execute(sql`select id from interpretation_reports where lab_result_id = ${lr!.id}`),
    );
    const unopened = before!.backlog.find((b) => b.state === "report_unopened")!.count;
    const early = new Date(NOW.getTime() - 7 * HOUR);
    await t.db.execute(
      sql`insert into report_read_marks (user_id, report_id, first_read_at) values (${readerA}, ${report!.id}, ${iso(new Date(NOW.getTime() - 6 * HOUR))}::timestamptz)`,
    );
    await t.db.execute(
      sql`insert into report_read_marks (user_id, report_id, first_read_at) values (${doctorA}, ${report!.id}, ${iso(early)}::timestamptz)`,
    );
    const opened = rowsOf<{ first_opened_at: Date | string }>(
      await t.db.execute(sql`select first_opened_at from interpretation_reports where id = ${report!.id}`),
    );
    expect(new Date(opened[0]!.first_opened_at).toISOString()).toBe(early.toISOString());
    const after = await getTurnaroundFigures(t.db, scopeFor(doctorA, [labA]), analyticsWindow(NOW));
    expect(after!.backlog.find((b) => b.state === "report_unopened")!.count).toBe(unopened - 1);
    // This week's "sent" and "opened" stages now count this lab result's spans.
    expect(figure(after!.figures, "sent", CURRENT_WEEK)!.count).toBe(
      figure(before!.figures, "sent", CURRENT_WEEK)!.count + 1,
    );
    expect(figure(after!.figures, "opened", CURRENT_WEEK)!.count).toBe(
      (figure(before!.figures, "opened", CURRENT_WEEK)?.count ?? 0) + 1,
    );
  });
});

describe("stored weeks", () => {
  let labC: string;
  let lastWeekResult: string;
  const window = analyticsWindow(NOW);
  const scope = () => scopeFor(doctorA, [labC]);

  beforeAll(async () => {
    labC = (await createLab(t.db, { name: "Analytics C", partnerLabId: "an-c" })).id;
    await t.db.execute(sql`update labs set turnaround_hours = 48 where id = ${labC}`);
    // Last week: sent 30 s after upload, delivered 60 hours after acceptance (outside 48 h, within 72 h).
    const lastWeek = new Date("2026-12-01T09:00:00Z");
    await seed(labC, {
      uploaded: lastWeek,
      sent: at(lastWeek, 30_000),
      accepted: at(lastWeek, 60_000),
      delivered: at(lastWeek, 60_000 + 60 * HOUR),
    });
    lastWeekResult = await idOf(sql`select id from lab_results where lab_id = ${labC}`);
    // This week: sent 2 minutes after upload.
    const monday = new Date("2026-12-07T10:00:00Z");
    await seed(labC, { uploaded: monday, sent: at(monday, 2 * MIN) });
  });

  async function idOf(query: ReturnType<typeof sql>): Promise<string> {
    const result = await t.db.execute(query);
    return (Array.isArray(result) ? result : (result as unknown as { rows: { id: string }[] }).rows)[0]!.id as string;
  }

  it("computes a completed week once and reads it from the table afterwards; the current week stays live", async () => {
    const first = await getTurnaroundFigures(t.db, scope(), window);
    expect(figure(first!.figures, "sent", LAST_WEEK)).toMatchObject({ count: 1, medianSeconds: 30 });
    expect(figure(first!.figures, "delivered", LAST_WEEK)).toMatchObject({ count: 1, withinTarget: 0 });
    expect(figure(first!.figures, "sent", CURRENT_WEEK)).toMatchObject({ count: 1, medianSeconds: 120 });
    // The 11 completed weeks, every recorded stage (count 0 included); the current week is not stored.
    expect(await storedRows(labC)).toEqual([{ target_hours: 48, rows: 11 * 6 }]);

    // The underlying data of last week changes (it cannot in the portal: its spans have ended),
    // and so does this week's: the stored week keeps its figures, the current week follows.
    await t.db.execute(
      sql`update submission_attempts set started_at = started_at + interval '10 minutes' where lab_result_id = ${lastWeekResult}`,
    );
    const monday = new Date("2026-12-07T11:00:00Z");
    await seed(labC, { uploaded: monday, sent: at(monday, 4 * MIN) });
    const second = await getTurnaroundFigures(t.db, scope(), window);
    expect(figure(second!.figures, "sent", LAST_WEEK)).toMatchObject({ count: 1, medianSeconds: 30 });
    expect(figure(second!.figures, "sent", CURRENT_WEEK)).toMatchObject({ count: 2, medianSeconds: 180 });
    expect(await storedRows(labC)).toEqual([{ target_hours: 48, rows: 11 * 6 }]);
  });

  it("computes the weeks again for a new target, and keeps the earlier target's rows", async () => {
    await t.db.execute(sql`update labs set turnaround_hours = 72 where id = ${labC}`);
    const figures = await getTurnaroundFigures(t.db, scope(), window);
    expect(figures!.turnaroundHours).toBe(72);
    // Computed from the data as it is now: sent 10 minutes later (630 s), and 60 h is within 72 h.
    expect(figure(figures!.figures, "sent", LAST_WEEK)).toMatchObject({ count: 1, medianSeconds: 630 });
    expect(figure(figures!.figures, "delivered", LAST_WEEK)).toMatchObject({ count: 1, withinTarget: 1 });
    expect(await storedRows(labC)).toEqual([
      { target_hours: 48, rows: 11 * 6 },
      { target_hours: 72, rows: 11 * 6 },
    ]);
  });

  it("stores each week once when two views compute it at the same time", async () => {
    await t.db.execute(sql`delete from analytics_week_figures where lab_id = ${labC}`);
    const [one, two] = await Promise.all([
      getTurnaroundFigures(t.db, scope(), window),
      getTurnaroundFigures(t.db, scope(), window),
    ]);
    expect(one!.figures).toEqual(two!.figures);
    expect(await storedRows(labC)).toEqual([{ target_hours: 72, rows: 11 * 6 }]);
  });

  it("computes the week just ended live for an hour after it ends, then stores it", () => {
    const justAfter = splitWindow(analyticsWindow(new Date("2026-12-07T00:30:00Z")));
    expect(justAfter.liveFrom.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(justAfter.weeks).toHaveLength(10);
    expect(justAfter.weeks.at(-1)).toBe("2026-11-23");
    const later = splitWindow(analyticsWindow(new Date("2026-12-07T01:00:00Z")));
    expect(later.liveFrom.toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(later.weeks).toHaveLength(11);
    expect(later.weeks[0]).toBe(analyticsWindow(new Date("2026-12-07T01:00:00Z")).weeks[0]);
  });
});
