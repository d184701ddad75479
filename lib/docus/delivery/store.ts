import { getDb } from "@/db";
import { recordRefusedDelivery, storeDeliveredReport } from "@/db/queries/system/deliveries";
import type { IncomingReport } from "@/lib/domain";
import { getBoss } from "@/lib/jobs/boss";
import { queueReportForFeed } from "@/lib/exports/mllp-feed";
import { queueDiffForNewVersion } from "@/lib/reports/diff-job";
import { enqueueReportTextCheck } from "@/lib/reports/text-check";
import { getMetrics } from "@/lib/observability/metrics";
import { deliveryIdempotencyKey } from "./idempotency";

/**
 * Storing a delivery's outcome: the report (with its delivery record, in one transaction)
 * or the refusal, in the deliveries log.
 */

export type DeliveryContext = { webhookId: string | null; remoteIp: string; bodyBytes: number | null };

/** Stores the report; throws when the database cannot take it (the caller answers 503). */
export async function storeReport(
  report: IncomingReport,
  context: { webhookId: string | null; remoteIp: string; bodyBytes: number },
): Promise<{ duplicate: boolean; reportId: string }> {
  // The queue is started before the transaction opens: starting it inside would wait for a
  // connection the transaction holds (the embedded database has one connection).
  const boss = await getBoss();
  const stored = await storeDeliveredReport(
    await getDb(),
    report,
    {
      ...context,
      idempotencyKey: (labKey) =>
        deliveryIdempotencyKey({
          webhookId: context.webhookId,
          labKey,
          referenceId: report.referenceId,
          patientId: report.patientId,
          sha256: report.sha256,
        }),
    },
    // The wrong-patient check of the report's text is a job committed with the report (the
    // 200 never waits for it; until it has run the report shows "text check pending").
    // A new version of a lab result's report goes to the lab's HL7 feed, if it has one, and
    // is compared with the version it supersedes.
    async (tx, stored) => {
      await enqueueReportTextCheck(tx, stored.reportId, boss);
      if (stored.matched) {
        await queueReportForFeed(tx, stored.reportId, boss);
        await queueDiffForNewVersion(tx, stored.reportId, boss);
      }
    },
  );
  if (stored.labResultTimes) {
    const now = Date.now();
    const turnaround = getMetrics().reportTurnaround;
    const { uploadedAt, acceptedAt } = stored.labResultTimes;
    turnaround.observe({ stage: "upload_to_report" }, (now - uploadedAt.getTime()) / 1000);
    if (acceptedAt) turnaround.observe({ stage: "accepted_to_report" }, (now - acceptedAt.getTime()) / 1000);
  }
  return { duplicate: stored.duplicate, reportId: stored.reportId };
}

/** Writes a refused attempt to the deliveries log; a database that is down loses only the log line. */
export async function logRefusal(status: number, reason: string, context: DeliveryContext): Promise<void> {
  try {
    await recordRefusedDelivery(await getDb(), { httpStatus: status, reason, ...context });
  } catch {
    console.error(`[deliveries] could not log a refused delivery (${status}): database unavailable`);
  }
}
