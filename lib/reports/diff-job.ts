import "server-only";
import { sql } from "drizzle-orm";
import { fromDrizzle, type PgBoss } from "pg-boss";
import { getDb, type Db, type Tx } from "@/db";
import {
  finishDiff,
  getDiffForJob,
  getReportBytes,
  getStoredReportText,
  getSupersededReport,
  insertPendingDiff,
  saveReportText,
  type StoredText,
} from "@/db/queries/system/report-diffs";
import { REPORT_DIFF_QUEUE, getBoss, wakeWorkers } from "@/lib/jobs/boss";
import { describeError } from "@/lib/errors";
import { extractPdfText, type PdfText, type PdfTextLimits } from "@/lib/pdf/text";
import { computeTextDiff, type DiffLimits } from "./text-diff";

/**
 * What changed in an amended report, computed once per new version by a job (never on a
 * page view): the diff of the two versions' text, stored in report_diffs. The texts come
 * from report_texts, where the delivery's wrong-patient text check keeps what it read, so
 * that a PDF is read once; a text not kept (a report older than this, or a check that did
 * not run) is read here, in the parse worker pool, and kept.
 */

export type DiffJob = { diffId: string };

export type DiffDeps = {
  db?: Db;
  boss?: PgBoss;
  textLimits?: Partial<PdfTextLimits>;
  diffLimits?: Partial<DiffLimits>;
  now?: () => Date;
};

/** How long the job waits for the delivery's text check to keep the new version's text before reading it itself. */
const WAIT_FOR_CHECK_MS = 60_000;

/** The stored form of what lib/pdf/text.ts read. */
export function storedTextOf(text: PdfText): StoredText {
  if (text.kind === "text") return { kind: "text", text: text.text, truncated: text.truncated };
  return { kind: text.kind, text: "", truncated: false };
}

async function enqueue(tx: Db | Tx, diffId: string, startAfterSeconds: number, boss?: PgBoss): Promise<void> {
  boss ??= await getBoss();
  const data: DiffJob = { diffId };
  await boss.send(REPORT_DIFF_QUEUE, data, {
    startAfter: Math.max(0, Math.ceil(startAfterSeconds)),
    db: fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql),
  });
}

/**
 * In the transaction that stores (or attaches) a new version: records its comparison with
 * the version it supersedes as pending and enqueues the job. Nothing for a first version.
 */
export async function queueDiffForNewVersion(tx: Tx, reportId: string, boss?: PgBoss): Promise<void> {
  const previous = await getSupersededReport(tx, reportId);
  if (!previous) return;
  const { id, created } = await insertPendingDiff(tx, {
    fromReportId: previous.supersedesId,
    toReportId: reportId,
    labId: previous.labId,
  });
  if (created) await enqueue(tx, id, 1, boss);
}

/**
 * Records and enqueues a comparison of two versions that has none yet (an earlier "from"
 * version, or a version stored before diffs existed). The caller has checked that both
 * are versions of one lab result the user may see, "from" the earlier.
 */
export async function requestDiff(
  pair: { fromReportId: string; toReportId: string; labId: string | null },
  deps: DiffDeps = {},
): Promise<void> {
  const db = deps.db ?? (await getDb());
  // Started before the transaction opens (the embedded database has one connection).
  const boss = deps.boss ?? (await getBoss());
  await db.transaction(async (tx) => {
    const { id, created } = await insertPendingDiff(tx, pair);
    if (created) await enqueue(tx, id, 0, boss);
  });
}

async function textOf(db: Db, reportId: string, limits?: Partial<PdfTextLimits>): Promise<StoredText | undefined> {
  const stored = await getStoredReportText(db, reportId);
  if (stored) return stored;
  const bytes = await getReportBytes(db, reportId);
  if (!bytes) return undefined;
  const text = storedTextOf(await extractPdfText(bytes, limits));
  await saveReportText(db, reportId, text);
  return text;
}

const UNREADABLE = "The text of one of the versions could not be read, so the versions cannot be compared.";
const NO_TEXT = "One of the versions has no text (a scanned image, for instance), so the versions cannot be compared.";

/** One job: the comparison of one pair. "waiting": re-enqueued until the text check has kept the new version's text. */
export async function runDiffJob(diffId: string, deps: DiffDeps = {}): Promise<"done" | "waiting" | "skipped"> {
  const db = deps.db ?? (await getDb());
  const now = deps.now?.() ?? new Date();
  const job = await getDiffForJob(db, diffId);
  if (!job || job.state !== "pending") return "skipped";
  const keptTo = await getStoredReportText(db, job.toReportId);
  if (!keptTo && job.toTextCheck === null && now.getTime() - job.toReceivedAt.getTime() < WAIT_FOR_CHECK_MS) {
    // The delivery's text check reads the new version right after the delivery: use what it reads.
    await enqueue(db, diffId, 3, deps.boss);
    return "waiting";
  }
  const before = await textOf(db, job.fromReportId, deps.textLimits);
  const after = keptTo ?? (await textOf(db, job.toReportId, deps.textLimits));
  if (!before || !after) return "skipped";
  if (before.kind === "unreadable" || after.kind === "unreadable") {
    await finishDiff(db, diffId, { state: "failed", failureReason: UNREADABLE });
  } else if (before.kind === "no_text" && after.kind === "no_text") {
    await finishDiff(db, diffId, { state: "failed", failureReason: NO_TEXT });
  } else {
    const diff = computeTextDiff(before.text, after.text, deps.diffLimits);
    await finishDiff(db, diffId, {
      state: "ready",
      ...diff,
      partial: diff.partial || before.truncated || after.truncated,
    });
  }
  return "done";
}

/** Starts this process's worker for report diffs. */
export async function startReportDiffWorker(boss?: PgBoss, deps: DiffDeps = {}): Promise<void> {
  boss ??= await getBoss();
  const diffDeps = { ...deps, boss };
  await boss.work<DiffJob>(
    REPORT_DIFF_QUEUE,
    { batchSize: 1, localConcurrency: 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 5 },
    async ([job]) => {
      if (!job) return;
      try {
        await runDiffJob(job.data.diffId, diffDeps);
      } catch (error) {
        console.error(`[diffs] comparing two report versions failed: ${describeError(error)}`);
        throw error;
      } finally {
        wakeWorkers(diffDeps.boss, REPORT_DIFF_QUEUE);
      }
    },
  );
}
