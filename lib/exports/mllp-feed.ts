import "server-only";
import type { Hl7Client } from "@medplum/hl7";
import { sql } from "drizzle-orm";
import { fromDrizzle, type PgBoss } from "pg-boss";
import { getDb, type Db, type Tx } from "@/db";
import {
  claimFeedMessage,
  listUnfinishedFeedMessages,
  loadFeedReport,
  queueFeedMessage,
  recordFeedOutcome,
  type FeedOutcome,
} from "@/db/queries/system/hl7-feed";
import { HL7_FEED_QUEUE, getBoss } from "@/lib/jobs/boss";
import { describeError } from "@/lib/errors";
import { newControlId } from "./exports";
import { oruR01 } from "./hl7";

/*
 * A lab's outbound HL7 feed: each new interpretation report version's ORU^R01, sent over
 * MLLP to the endpoint the lab's admin configured. Durable: the feed row and its pg-boss
 * job are written in the transaction that stores the report; a job carries the row's id
 * only (the message is built at send time). ACKs: AA/CA sent; AR/CR rejected (not
 * retried); AE/CE, no answer, or no connection retried with backoff up to maxAttempts,
 * then failed. Admins see every row on the lab's HL7 feed page and can send one again.
 */

export type Hl7FeedJob = { messageId: string };

export type FeedPolicy = {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** Connect and ACK timeout of one send. */
  timeoutMs: number;
};

export const defaultFeedPolicy: FeedPolicy = { maxAttempts: 8, baseMs: 30_000, maxMs: 3_600_000, timeoutMs: 15_000 };

export type FeedDeps = { db?: Db; boss?: PgBoss; policy?: FeedPolicy; now?: () => Date };

/** A send in flight longer than this is presumed dead (its worker stopped) and is taken again. */
function leaseSeconds(policy: FeedPolicy): number {
  return Math.ceil((2 * policy.timeoutMs) / 1000) + 15;
}

/** The wait before attempt `attempts + 1`: exponential from baseMs, at most maxMs. */
export function feedRetryDelayMs(attempts: number, policy: FeedPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
}

async function enqueue(tx: Tx, messageId: string, startAfterSeconds: number, boss?: PgBoss): Promise<void> {
  boss ??= await getBoss();
  const data: Hl7FeedJob = { messageId };
  await boss.send(HL7_FEED_QUEUE, data, {
    startAfter: Math.max(0, Math.ceil(startAfterSeconds)),
    db: fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql),
  });
}

/**
 * Puts a newly matched report version in its lab's feed, inside the transaction that
 * stores (or attaches) it; nothing when the lab's feed is off.
 */
export async function queueReportForFeed(tx: Tx, reportId: string, boss?: PgBoss): Promise<void> {
  const messageId = await queueFeedMessage(tx, reportId, newControlId());
  if (messageId) await enqueue(tx, messageId, 0, boss);
}

/** MSA-1 and a short reason (MSA-3, at most 200 characters) of an ACK. */
function readAck(ack: { getSegment(name: string): { getField(i: number): { toString(): string } } | undefined }) {
  const msa = ack.getSegment("MSA");
  const code = msa?.getField(1).toString().toUpperCase() ?? "";
  const text = msa?.getField(3).toString().slice(0, 200) ?? "";
  return { code, text };
}

/** One send of one feed message: its outcome, or "skipped" when it is not due or another worker has it. */
export async function sendFeedMessage(messageId: string, deps: FeedDeps = {}): Promise<FeedOutcome | "skipped"> {
  const db = deps.db ?? (await getDb());
  const policy = deps.policy ?? defaultFeedPolicy;
  const now = deps.now ?? (() => new Date());
  const claimed = await claimFeedMessage(db, messageId, leaseSeconds(policy));
  if (!claimed) return "skipped";

  const retryOrFail = (reason: string, ackCode?: string): FeedOutcome =>
    claimed.attempts >= policy.maxAttempts
      ? { kind: "failed", reason: `${reason} (gave up after ${claimed.attempts} attempts)`, ackCode }
      : {
          kind: "retry",
          reason,
          ackCode,
          retryAt: new Date(now().getTime() + feedRetryDelayMs(claimed.attempts, policy)),
        };

  let outcome: FeedOutcome;
  const report = claimed.endpoint ? await loadFeedReport(db, claimed) : undefined;
  if (!claimed.endpoint) {
    outcome = { kind: "failed", reason: "The lab's HL7 feed is off or has no endpoint." };
  } else if (!report) {
    outcome = { kind: "failed", reason: "The report is no longer attached to a lab result." };
  } else {
    const text = oruR01(report.lab, report.patient, report.result, report.report, {
      sendingApplication: report.lab.hl7SendingApplication,
      sendingFacility: report.lab.hl7SendingFacility,
      controlId: claimed.controlId,
      now: now(),
    });
    // Medplum's HL7 code (some 25 MB in memory) is loaded when a lab's feed first sends, not
    // when the worker starts: most portals have no feed, and no request needs it.
    const [{ Hl7Message }, { Hl7Client: Client, ReturnAckCategory }] = await Promise.all([
      import("@medplum/core"),
      import("@medplum/hl7"),
    ]);
    const client = new Client({ ...claimed.endpoint, connectTimeout: policy.timeoutMs });
    try {
      const ack = await client.sendAndWait(Hl7Message.parse(text) as unknown as Parameters<Hl7Client["send"]>[0], {
        timeoutMs: policy.timeoutMs,
        returnAck: ReturnAckCategory.FIRST,
      });
      const { code, text: ackText } = readAck(ack);
      if (code === "AA" || code === "CA") outcome = { kind: "sent", ackCode: code };
      else if (code === "AR" || code === "CR")
        outcome = { kind: "rejected", ackCode: code, reason: ackText || "The receiver rejected the message." };
      else outcome = retryOrFail(ackText || `The receiver answered ${code || "without an acknowledgment code"}.`, code);
    } catch (error) {
      outcome = retryOrFail(`No acknowledgment: ${describeError(error)}`);
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  await db.transaction(async (tx) => {
    await recordFeedOutcome(tx, claimed.id, outcome);
    if (outcome.kind === "retry") {
      await enqueue(tx, claimed.id, (outcome.retryAt.getTime() - now().getTime()) / 1000, deps.boss);
    }
  });
  if (outcome.kind !== "sent") console.log(`[hl7-feed] message ${claimed.id}: ${outcome.kind}`);
  return outcome;
}

/** Sends a rejected or failed message again (an admin's request): due now, with a new job. */
export async function resendFeedMessage(tx: Tx, messageId: string, boss?: PgBoss): Promise<void> {
  await enqueue(tx, messageId, 0, boss);
}

/** Starts this process's worker for the HL7 feed, and enqueues what a stopped process left unsent. */
export async function startHl7FeedWorker(boss?: PgBoss, deps: FeedDeps = {}): Promise<void> {
  boss ??= await getBoss();
  const feedDeps = { ...deps, boss };
  // One worker per instance taking up to 10 jobs at a time and sending them one after
  // another, so that a lab's versions leave in the order they came. NOTIFY wakes the worker
  // at once; polling is the backstop.
  await boss.work<Hl7FeedJob>(
    HL7_FEED_QUEUE,
    { batchSize: 10, localConcurrency: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 2 },
    async (jobs) => {
      for (const job of jobs) await sendFeedMessage(job.data.messageId, feedDeps);
    },
  );
  const db = deps.db ?? (await getDb());
  const unfinished = await listUnfinishedFeedMessages(db);
  const lease = leaseSeconds(feedDeps.policy ?? defaultFeedPolicy);
  for (const row of unfinished) {
    // A send left mid-way is taken again once its lease has run out.
    const due =
      row.status === "sending" ? row.updatedAt.getTime() + lease * 1000 + 1000 : (row.nextAttemptAt?.getTime() ?? 0);
    const wait = (due - Date.now()) / 1000;
    await db.transaction((tx) => enqueue(tx, row.id, wait, boss));
  }
}
