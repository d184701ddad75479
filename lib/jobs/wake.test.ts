import type { PgBoss } from "pg-boss";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { wakeSendWorkersWhenDue } from "@/lib/send/queue";
import { REPORT_TEXT_CHECK_QUEUE, SUBMIT_QUEUE, wakeWorkers } from "./boss";

/** A pg-boss with these workers running in this process; records which were notified. */
function bossWith(workers: Array<{ id: string; name: string }>) {
  const notified: string[] = [];
  const boss = {
    getWipData: () => workers,
    notifyWorker: (id: string) => void notified.push(id),
  } as unknown as PgBoss;
  return { boss, notified };
}

const workers = [
  { id: "send-1", name: SUBMIT_QUEUE },
  { id: "check-1", name: REPORT_TEXT_CHECK_QUEUE },
  { id: "send-2", name: SUBMIT_QUEUE },
];

afterEach(() => {
  vi.useRealTimers();
});

describe("wakeWorkers", () => {
  it("notifies every worker of that queue in this process, and no other", () => {
    const { boss, notified } = bossWith(workers);
    wakeWorkers(boss, SUBMIT_QUEUE);
    expect(notified).toEqual(["send-1", "send-2"]);
    wakeWorkers(boss, REPORT_TEXT_CHECK_QUEUE);
    expect(notified).toEqual(["send-1", "send-2", "check-1"]);
  });

  it("does nothing for a queue with no worker here", () => {
    const { boss, notified } = bossWith(workers);
    wakeWorkers(boss, "report-diff");
    expect(notified).toEqual([]);
  });
});

describe("wakeSendWorkersWhenDue", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it("wakes the send workers once the job's start (whole seconds, rounded up) has come, not before", () => {
    const { boss, notified } = bossWith(workers);
    // pg-boss stores a start 5.2 s ahead as 6 s ahead (lib/send/queue.ts rounds up).
    wakeSendWorkersWhenDue(boss, 5.2);
    vi.advanceTimersByTime(6_000);
    expect(notified).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(notified).toEqual(["send-1", "send-2"]);
  });

  it("leaves a start more than an hour ahead to pg-boss's polling", () => {
    const { boss, notified } = bossWith(workers);
    wakeSendWorkersWhenDue(boss, 7200);
    vi.advanceTimersByTime(7_300_000);
    expect(notified).toEqual([]);
  });

  it("wakes them at once for a send due now, and does nothing without a boss", () => {
    const { boss, notified } = bossWith(workers);
    wakeSendWorkersWhenDue(undefined, 0);
    wakeSendWorkersWhenDue(boss, 0);
    vi.advanceTimersByTime(100);
    expect(notified).toEqual(["send-1", "send-2"]);
  });
});
