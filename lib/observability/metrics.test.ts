import { afterEach, describe, expect, it, vi } from "vitest";
import { setQueueStatsSource } from "./metrics";

/**
 * One registry per process: Next.js loads server code in several module graphs, each
 * with its own copy of this module. Every copy must find the same metrics.
 */

afterEach(() => setQueueStatsSource(undefined));

describe("the process's metrics", () => {
  it("are the same object from two separately loaded copies of the module", async () => {
    const first = await import("./metrics");
    vi.resetModules();
    const second = await import("./metrics");
    expect(second.getMetrics).not.toBe(first.getMetrics);
    expect(second.getMetrics()).toBe(first.getMetrics());
    first.getMetrics().uploads.inc({ outcome: "queued" });
    const text = await second.getMetrics().registry.metrics();
    expect(text).toMatch(/portal_uploads_total\{outcome="queued"\} [1-9]/);
  });

  it("read the job queues' counts by state when scraped", async () => {
    const { getMetrics } = await import("./metrics");
    setQueueStatsSource(async () => [
      { name: "lab-result-submit", queuedCount: 5, readyCount: 3, deferredCount: 2, activeCount: 1, failedCount: 4 },
    ]);
    const text = await getMetrics().registry.metrics();
    expect(text).toContain('portal_queue_jobs{queue="lab-result-submit",state="queued"} 5');
    expect(text).toContain('portal_queue_jobs{queue="lab-result-submit",state="deferred"} 2');
    expect(text).toContain('portal_queue_jobs{queue="lab-result-submit",state="active"} 1');
    expect(text).toContain('portal_queue_jobs{queue="lab-result-submit",state="failed"} 4');
  });
});
