import "server-only";
import { sql } from "drizzle-orm";
import { fromDrizzle, type PgBoss } from "pg-boss";
import { getDb, type Db, type Tx } from "@/db";
import {
  findPatientIdsNamed,
  getReportForTextCheck,
  listReportsPendingTextCheck,
  recordReportTextCheck,
} from "@/db/queries/guard";
import { saveReportText } from "@/db/queries/system/report-diffs";
import { describeError } from "@/lib/errors";
import { candidateIdTokens, labelledOtherPatientIds, normaliseId } from "@/lib/guard/rules";
import { REPORT_TEXT_CHECK_QUEUE, getBoss, wakeWorkers } from "@/lib/jobs/boss";
import { extractPdfText, type PdfTextLimits } from "@/lib/pdf/text";
import { storedTextOf } from "./diff-job";

/**
 * The wrong-patient guard's check of a delivered report's text, after the report is
 * stored, as a durable job (the delivery's answer never waits for it). Its text is kept
 * for the comparison with the next version (./diff-job.ts).
 */

/**
 * Checks a stored report's text for a patient id other than the one it is attached to: a
 * "Patient ID: X" label whose X differs, or any word that is the id of another patient of
 * the same lab. Records the result on the report (until then its text check is null:
 * pending, and the report is shown as such). A report already checked is left alone, so a
 * second job for one report costs one query. Throws only when the database fails (the
 * job is retried); a PDF whose text cannot be read is recorded as not checked.
 */
export async function runDeliveredReportCheck(
  db: Db,
  reportId: string,
  limits?: Partial<PdfTextLimits>,
): Promise<"checked" | "already_checked" | "gone"> {
  const report = await getReportForTextCheck(db, reportId);
  if (!report) return "gone";
  if (report.textCheck !== null) return "already_checked";
  const expected = report.attachedPatientId ?? report.deliveredPatientId;
  const text = await extractPdfText(report.bytes, limits);
  // Kept for the comparison of this version with the next (lib/reports/diff-job.ts): read once.
  await saveReportText(db, reportId, storedTextOf(text));
  if (text.kind !== "text") {
    await recordReportTextCheck(db, reportId, {
      result: "not_checked",
      otherPatientId: null,
      reason: text.kind === "no_text" ? "The report has no text to check." : "The report's text could not be read.",
    });
    return "checked";
  }
  const labelled = labelledOtherPatientIds(text.text, expected);
  const known = report.labId
    ? await findPatientIdsNamed(
        db,
        report.labId,
        candidateIdTokens(text.text).filter((t) => t !== normaliseId(expected)),
        expected,
      )
    : [];
  const other = labelled[0] ?? known[0] ?? null;
  await recordReportTextCheck(
    db,
    reportId,
    other === null
      ? { result: "ok", otherPatientId: null, reason: null }
      : {
          result: "other_patient",
          otherPatientId: other,
          reason:
            `This report's text names patient id ${other}` +
            (known.includes(other) ? ", another patient of this lab," : "") +
            ` but it is attached to patient id ${expected}. Check that it belongs to this patient.`,
        },
  );
  return "checked";
}

/** runDeliveredReportCheck that never throws (a failure is logged without patient data). */
export async function checkDeliveredReport(db: Db, reportId: string, limits?: Partial<PdfTextLimits>): Promise<void> {
  try {
    await runDeliveredReportCheck(db, reportId, limits);
  } catch (error) {
    console.error(`[guard] could not check a delivered report's text: ${describeError(error)}`);
  }
}

export type ReportTextCheckJob = { reportId: string };

/**
 * Enqueues the text check of a newly stored report inside the transaction that stores it:
 * the job exists exactly when the report does, so a process that dies after the commit
 * leaves the check to any worker (the delivery's 200 never waits for it).
 */
export async function enqueueReportTextCheck(tx: Tx, reportId: string, boss?: PgBoss): Promise<void> {
  boss ??= await getBoss();
  const data: ReportTextCheckJob = { reportId };
  await boss.send(REPORT_TEXT_CHECK_QUEUE, data, {
    db: fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql),
  });
}

/**
 * Starts this process's worker for the text checks of delivered reports (every instance
 * with RUN_WORKER, and `npm run worker`). The text is read in the parse pool. At start it
 * enqueues a check for every report still pending (reports stored before the checks were
 * jobs); a report that also has its own job is checked once (the second job finds it done).
 */
export async function startReportTextCheckWorker(
  boss?: PgBoss,
  deps: { db?: Db; limits?: Partial<PdfTextLimits> } = {},
): Promise<void> {
  const jobs = boss ?? (await getBoss());
  const db = deps.db ?? (await getDb());
  await jobs.work<ReportTextCheckJob>(
    REPORT_TEXT_CHECK_QUEUE,
    { batchSize: 1, localConcurrency: 2, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 5 },
    async ([job]) => {
      if (!job) return;
      try {
        await runDeliveredReportCheck(db, job.data.reportId, deps.limits);
      } finally {
        // A burst of deliveries is checked as fast as the parse pool reads, not one per poll.
        wakeWorkers(jobs, REPORT_TEXT_CHECK_QUEUE);
      }
    },
  );
  const pending = await listReportsPendingTextCheck(db, 1000);
  for (const reportId of pending) await db.transaction((tx) => enqueueReportTextCheck(tx, reportId, jobs));
}
