import { randomBytes } from "node:crypto";
import { parseRetryAfter, signWebhook, type DeliveryBody } from "../../lib/docus/wire.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { fileNamePart } from "../../lib/pdf/file-name.ts";
import type { DeliveryFaultKind } from "./faults.ts";
import { errorLabel } from "./http.ts";
import type { SimDeliveryRecord, ValidSubmission } from "./records.ts";
import { renderInterpretationReport } from "./report-pdf.ts";

/**
 * Report deliveries, as a real sender makes them: after the "interpretation" delay, a
 * generated report POSTed to the portal with the configured authentication, retried with
 * a doubling wait (and the portal's Retry-After, up to a limit) until it is taken.
 */

export type DeliveryConfig = {
  deliveryUrl: string;
  delayMs: number;
  deliveryHeader: string;
  deliverySecret?: string;
  webhookSecret?: string;
  maxDeliveryAttempts: number;
  deliveryRetryBaseMs: number;
  deliveryTimeoutMs: number;
  outOfOrderHoldMs: number;
  log: (line: string) => void;
};

/** A Retry-After from the portal is honoured up to this long. */
const MAX_DELIVERY_RETRY_AFTER_MS = 30_000;

type Delivery = {
  id: string;
  sequence: number;
  body: string;
  pdfSha256: string;
  submission: ValidSubmission;
  badSignature: boolean;
};

export function createDeliveries(config: DeliveryConfig) {
  const { log, maxDeliveryAttempts, deliveryRetryBaseMs, deliveryTimeoutMs, outOfOrderHoldMs } = config;
  let deliveries: SimDeliveryRecord[] = [];
  let stopped = false;
  /** Aborted by reset and by stop(): ends every pending or in-flight delivery. */
  let deliveryController = new AbortController();
  const tasks = new Set<Promise<void>>();
  let deliverySequence = 0;
  const overtakeWaiters = new Set<{ after: number; release: () => void }>();

  function track(task: Promise<void>): void {
    tasks.add(task);
    void task
      .catch((error: unknown) => log(`delivery task failed: ${errorLabel(error)}`))
      .finally(() => tasks.delete(task));
  }

  function scheduleDelivery(submission: ValidSubmission, faults: Set<DeliveryFaultKind>): void {
    if (stopped) return;
    const sequence = ++deliverySequence;
    const signal = deliveryController.signal;
    track(
      (async () => {
        if (!(await sleep(config.delayMs, signal))) return;
        const pdf = await renderInterpretationReport({
          patientId: submission.patientId,
          referenceId: submission.referenceId,
          partnerLabId: submission.partnerLabId,
          source: submission.file
            ? {
                kind: "file",
                fileName: submission.file.name,
                size: submission.file.size,
                sha256: submission.file.sha256,
              }
            : { kind: "data", length: submission.data?.length ?? 0 },
          generatedAt: new Date(),
        });
        if (signal.aborted) return;
        const payload: DeliveryBody = {
          patient_id: submission.patientId,
          ...(submission.referenceId === null ? {} : { reference_id: submission.referenceId }),
          ...(submission.partnerLabId === null ? {} : { partner_lab_id: submission.partnerLabId }),
          file_base64: {
            mime_type: "application/pdf",
            content: Buffer.from(pdf).toString("base64"),
            file_name: reportFileName(submission.referenceId),
          },
        };
        const body = JSON.stringify(payload);
        const delivery: Delivery = {
          id: `msg_${randomBytes(18).toString("base64url")}`,
          sequence,
          body,
          pdfSha256: sha256Hex(pdf),
          submission,
          badSignature: faults.has("badSignature"),
        };
        if (faults.has("outOfOrder")) {
          log(`delivery ${delivery.id} held back until a later delivery overtakes it`);
          const overtaken = new Promise<void>((release) => overtakeWaiters.add({ after: sequence, release }));
          await Promise.race([overtaken, sleep(outOfOrderHoldMs, signal)]);
        }
        const copies = faults.has("deliverTwice") ? 2 : 1;
        for (let copy = 1; copy <= copies && !signal.aborted; copy++) {
          await deliverWithRetries(delivery, copy, signal);
        }
      })(),
    );
  }

  function deliveryHeaders(delivery: Delivery): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "docus-simulator" };
    if (config.deliverySecret) {
      headers[config.deliveryHeader] = delivery.badSignature
        ? randomBytes(24).toString("base64url")
        : config.deliverySecret;
    }
    if (config.webhookSecret) {
      const timestamp = Math.floor(Date.now() / 1000);
      const secret = delivery.badSignature ? `whsec_${randomBytes(24).toString("base64")}` : config.webhookSecret;
      headers["webhook-id"] = delivery.id;
      headers["webhook-timestamp"] = String(timestamp);
      headers["webhook-signature"] = signWebhook(secret, delivery.id, timestamp, delivery.body);
    }
    return headers;
  }

  /** Ends every pending delivery: their timers, held reports and requests in flight. */
  function cancelDeliveries(): void {
    deliveryController.abort();
    deliveryController = new AbortController();
    for (const waiter of overtakeWaiters) waiter.release();
    overtakeWaiters.clear();
  }

  function releaseOvertaken(sequence: number): void {
    for (const waiter of overtakeWaiters) {
      if (sequence > waiter.after) {
        overtakeWaiters.delete(waiter);
        waiter.release();
      }
    }
  }

  async function deliverWithRetries(delivery: Delivery, copy: number, signal: AbortSignal): Promise<void> {
    for (let attempt = 1; attempt <= maxDeliveryAttempts; attempt++) {
      if (signal.aborted) return;
      let status: number | undefined;
      let retryAfterMs: number | undefined;
      let error: string | undefined;
      try {
        const response = await fetch(config.deliveryUrl, {
          method: "POST",
          headers: deliveryHeaders(delivery),
          body: delivery.body,
          redirect: "manual",
          signal: AbortSignal.any([signal, AbortSignal.timeout(deliveryTimeoutMs)]),
        });
        status = response.status;
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
        await response.arrayBuffer().catch(() => undefined);
      } catch (caught) {
        error = errorLabel(caught);
      }
      if (signal.aborted) return;
      deliveries.push({
        at: new Date().toISOString(),
        deliveryId: delivery.id,
        patient_id: delivery.submission.patientId,
        reference_id: delivery.submission.referenceId,
        partner_lab_id: delivery.submission.partnerLabId,
        attempt,
        copy,
        pdfSha256: delivery.pdfSha256,
        badSignature: delivery.badSignature,
        ...(status === undefined ? {} : { status }),
        ...(error === undefined ? {} : { error }),
      });
      log(`delivery ${delivery.id} copy ${copy} attempt ${attempt} -> ${status ?? error}`);
      releaseOvertaken(delivery.sequence);
      if (status !== undefined && status >= 200 && status < 300) return;
      if (attempt < maxDeliveryAttempts) {
        const backoff = deliveryRetryBaseMs * 2 ** (attempt - 1);
        const wait = Math.max(backoff, Math.min(retryAfterMs ?? 0, MAX_DELIVERY_RETRY_AFTER_MS));
        if (!(await sleep(wait, signal))) return;
      }
    }
    log(`delivery ${delivery.id} copy ${copy} given up after ${maxDeliveryAttempts} attempts`);
  }

  return {
    schedule: scheduleDelivery,
    records: () => deliveries,
    /** Forgets the records and ends every pending delivery. */
    reset(): void {
      deliveries = [];
      cancelDeliveries();
    },
    /** Ends every pending delivery for good; no new one starts. */
    stop(): void {
      stopped = true;
      cancelDeliveries();
    },
    /** Resolves when every delivery task has finished. */
    async settled(): Promise<void> {
      await Promise.allSettled([...tasks]);
    },
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function reportFileName(referenceId: string | null): string {
  if (referenceId === null || referenceId === "") return "interpretation.pdf";
  return `interpretation-${fileNamePart(referenceId)}.pdf`;
}
