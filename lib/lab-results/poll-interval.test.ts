import { describe, expect, it } from "vitest";
import { pollIntervals, statusPollInterval, type StatusPollPolicy } from "./poll-interval";

const uploadBatch: StatusPollPolicy = {
  awaitReports: true,
  awaitingReport: pollIntervals.batchAwaitingReport,
  settled: false,
};
const list: StatusPollPolicy = {
  awaitReports: false,
  awaitingReport: pollIntervals.quiet,
  settled: pollIntervals.quiet,
};

describe("statusPollInterval", () => {
  it("polls fast while anything is queued, sending, retrying or not known yet", () => {
    expect(statusPollInterval(["accepted", "queued"], uploadBatch)).toBe(2_000);
    expect(statusPollInterval(["sending"], list)).toBe(2_000);
    expect(statusPollInterval(["retrying", "report_ready"], uploadBatch)).toBe(2_000);
    expect(statusPollInterval([undefined, "report_ready"], uploadBatch)).toBe(2_000);
  });

  it("polls slower while only reports are awaited", () => {
    expect(statusPollInterval(["accepted", "report_ready", "rejected"], uploadBatch)).toBe(4_000);
    expect(
      statusPollInterval(["accepted"], {
        awaitReports: true,
        awaitingReport: pollIntervals.awaitingReport,
        settled: false,
      }),
    ).toBe(5_000);
  });

  it("stops, or keeps the settled interval, once nothing moves", () => {
    expect(statusPollInterval(["report_ready", "cancelled", "failed"], uploadBatch)).toBe(false);
    expect(statusPollInterval([], uploadBatch)).toBe(false);
    expect(statusPollInterval(["accepted"], { ...uploadBatch, awaitReports: false })).toBe(false);
    expect(statusPollInterval(["accepted", "rejected"], list)).toBe(5_000);
    expect(statusPollInterval([], list)).toBe(5_000);
  });
});
