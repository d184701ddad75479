import { z } from "zod";

/**
 * The faults a test can ask for through POST /__sim/faults: the next submissions answer
 * with a status, hang or drop; the next deliveries go twice, with a bad signature, or out
 * of order.
 */

export type SubmissionFault =
  | {
      kind: "status";
      status: number;
      retryAfter: string | null;
      retryAfterBody: number | null;
      message: string | null;
      remaining: number;
    }
  | { kind: "hang"; remaining: number }
  | { kind: "drop"; remaining: number };

export type DeliveryFaultKind = "deliverTwice" | "badSignature" | "outOfOrder";
export type DeliveryFault = { kind: DeliveryFaultKind; remaining: number };

const faultCount = z.number().int().min(1).max(10_000).default(1);
export const faultSchema = z.union([
  z.strictObject({ reset: z.literal(true) }),
  z.strictObject({
    status: z.number().int().min(400).max(599),
    count: faultCount,
    retryAfter: z.union([z.number().int().min(0), z.string().regex(/^[\x20-\x7e]+$/)]).optional(),
    /** Docus's way for a 429: the wait in the body (`retry_after`, seconds), no header. */
    retryAfterBody: z.number().int().min(0).max(86_400).optional(),
    message: z.string().max(2000).optional(),
  }),
  z.strictObject({ hang: z.literal(true), count: faultCount }),
  z.strictObject({ drop: z.literal(true), count: faultCount }),
  z.strictObject({ deliverTwice: z.literal(true), count: faultCount }),
  z.strictObject({ badSignature: z.literal(true), count: faultCount }),
  z.strictObject({ outOfOrder: z.literal(true), count: faultCount }),
]);

export type FaultRequest = z.infer<typeof faultSchema>;

/** The queue of pending faults; each applies to as many requests as its count says. */
export function createFaultQueue() {
  let submissionFaults: SubmissionFault[] = [];
  let deliveryFaults: DeliveryFault[] = [];

  function pendingFaults() {
    return [...submissionFaults.map((fault) => ({ ...fault })), ...deliveryFaults.map((fault) => ({ ...fault }))];
  }

  function takeSubmissionFault(): SubmissionFault | undefined {
    const fault = submissionFaults[0];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) submissionFaults.shift();
    return fault;
  }

  /** One pending fault of each kind applies to the next delivery created. */
  function takeDeliveryFaults(): Set<DeliveryFaultKind> {
    const taken = new Set<DeliveryFaultKind>();
    for (const fault of deliveryFaults) {
      if (taken.has(fault.kind)) continue;
      taken.add(fault.kind);
      fault.remaining -= 1;
    }
    deliveryFaults = deliveryFaults.filter((fault) => fault.remaining > 0);
    return taken;
  }

  /** Queues a fault (anything but a reset). */
  function add(fault: Exclude<FaultRequest, { reset: true }>): void {
    if ("status" in fault) {
      submissionFaults.push({
        kind: "status",
        status: fault.status,
        retryAfter: fault.retryAfter === undefined ? null : String(fault.retryAfter),
        retryAfterBody: fault.retryAfterBody ?? null,
        message: fault.message ?? null,
        remaining: fault.count,
      });
    } else if ("hang" in fault) {
      submissionFaults.push({ kind: "hang", remaining: fault.count });
    } else if ("drop" in fault) {
      submissionFaults.push({ kind: "drop", remaining: fault.count });
    } else {
      const kind: DeliveryFaultKind =
        "deliverTwice" in fault ? "deliverTwice" : "badSignature" in fault ? "badSignature" : "outOfOrder";
      deliveryFaults.push({ kind, remaining: fault.count });
    }
  }

  function clear(): void {
    submissionFaults = [];
    deliveryFaults = [];
  }

  return { pending: pendingFaults, takeSubmissionFault, takeDeliveryFaults, add, clear };
}
