import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { constantTimeEqual } from "../crypto.ts";

/**
 * The process's Prometheus metrics (prom-client). ONE registry per process, kept on
 * globalThis: Next.js loads server code in several module graphs (and the front server
 * in plain Node is another), so a module-level registry would exist several times and
 * each graph would count apart. Every graph finds the same metrics here.
 *
 * Labels are closed sets (route patterns, outcomes, states), never ids or patient data.
 */

export type QueueCounts = {
  name: string;
  queuedCount: number;
  readyCount: number;
  deferredCount: number;
  activeCount: number;
  failedCount: number;
};

export type PortalMetrics = {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  uploads: Counter<"outcome">;
  guardHolds: Counter;
  docusRequests: Counter<"outcome">;
  docusDuration: Histogram<"outcome">;
  deliveries: Counter<"outcome">;
  rateLimitWaits: Counter<"kind">;
  rateLimitWaitSeconds: Histogram;
  reportTurnaround: Histogram<"stage">;
  queueJobs: Gauge<"queue" | "state">;
};

const key = Symbol.for("lab-portal.observability.metrics");
const queueKey = Symbol.for("lab-portal.observability.queue-source");
type Holder = { [key]?: PortalMetrics; [queueKey]?: () => Promise<QueueCounts[]> };

/** A job-queue snapshot for the `portal_queue_jobs` gauge (the process's pg-boss sets it). */
export function setQueueStatsSource(source: (() => Promise<QueueCounts[]>) | undefined): void {
  (globalThis as Holder)[queueKey] = source;
}

const QUEUE_STATES = ["queued", "ready", "deferred", "active", "failed"] as const;

/** Builds a fresh set of metrics on its own registry (the process's one is getMetrics()). */
export function createMetrics(): PortalMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "portal_http_requests_total",
      help: "HTTP requests answered, by method, route pattern and status.",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: "portal_http_request_duration_seconds",
      help: "Time to answer an HTTP request, by method, route pattern and status.",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    uploads: new Counter({
      name: "portal_uploads_total",
      help: "Lab-result uploads stored, by outcome (queued: sent on; held: the wrong-patient guard holds it; failed: not stored).",
      labelNames: ["outcome"],
      registers,
    }),
    guardHolds: new Counter({
      name: "portal_guard_holds_total",
      help: "Uploads held by the wrong-patient guard for a person to confirm.",
      registers,
    }),
    docusRequests: new Counter({
      name: "portal_docus_requests_total",
      help: "Requests to Docus, by outcome (accepted, rejected, transient).",
      labelNames: ["outcome"],
      registers,
    }),
    docusDuration: new Histogram({
      name: "portal_docus_request_duration_seconds",
      help: "Latency of requests to Docus, by outcome.",
      labelNames: ["outcome"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    deliveries: new Counter({
      name: "portal_deliveries_total",
      help: "Report deliveries from Docus, by outcome (stored, duplicate, refused_<status>).",
      labelNames: ["outcome"],
      registers,
    }),
    rateLimitWaits: new Counter({
      name: "portal_rate_limit_waits_total",
      help: "Sends that waited for the shared Docus rate limit (inline: waited in the send; deferred: queued again for later).",
      labelNames: ["kind"],
      registers,
    }),
    rateLimitWaitSeconds: new Histogram({
      name: "portal_rate_limit_wait_seconds",
      help: "Length of the waits for the shared Docus rate limit.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 600, 3600],
      registers,
    }),
    reportTurnaround: new Histogram({
      name: "portal_report_turnaround_seconds",
      help: "Turnaround by stage: upload_to_accepted (Docus accepted the send), accepted_to_report and upload_to_report (its report was delivered).",
      labelNames: ["stage"],
      buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 3 * 24 * 3600],
      registers,
    }),
    queueJobs: new Gauge({
      name: "portal_queue_jobs",
      help: "Jobs in the portal's queues by state (pg-boss's queue counts, read at scrape time).",
      labelNames: ["queue", "state"],
      registers,
      async collect() {
        const source = (globalThis as Holder)[queueKey];
        this.reset();
        if (!source) return;
        const queues = await source().catch(() => []);
        for (const queue of queues) {
          const counts: Record<(typeof QUEUE_STATES)[number], number> = {
            queued: queue.queuedCount,
            ready: queue.readyCount,
            deferred: queue.deferredCount,
            active: queue.activeCount,
            failed: queue.failedCount,
          };
          for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state]);
        }
      },
    }),
  };
}

/** The process's metrics (created on first use). */
export function getMetrics(): PortalMetrics {
  const holder = globalThis as Holder;
  return (holder[key] ??= createMetrics());
}

/** Seconds since `start` (from performance.now()). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * Answers a scrape: 404 when metrics are off (no token configured), 401 without the
 * right bearer token, else the registry's text. The token is compared in constant time.
 */
export async function metricsResponse(
  authorization: string | undefined,
  token: string | undefined,
  metrics: PortalMetrics = getMetrics(),
): Promise<{ status: 200 | 401 | 404; contentType: string; body: string }> {
  const text = "text/plain; charset=utf-8";
  if (!token) return { status: 404, contentType: text, body: "Not found.\n" };
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1] ?? "";
  if (!constantTimeEqual(presented, token)) return { status: 401, contentType: text, body: "Bearer token required.\n" };
  return { status: 200, contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
