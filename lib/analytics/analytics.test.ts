import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { csvLine } from "@/lib/csv";
import { analyticsStages } from "./stages";
import { CSV_HEADER, csvRows, stageTables } from "./table";
import {
  analyticsWindow,
  formatDuration,
  formatShare,
  hoursOf,
  shareWithinTarget,
  weekKey,
  weekStartOf,
} from "./weeks";

describe("week bucketing (UTC, Monday first)", () => {
  it("puts every moment of a week on its Monday 00:00 UTC", () => {
    expect(weekKey(weekStartOf(new Date("2026-12-07T00:00:00Z")))).toBe("2026-12-07"); // Monday itself
    expect(weekKey(weekStartOf(new Date("2026-12-09T12:00:00Z")))).toBe("2026-12-07"); // Wednesday
    expect(weekKey(weekStartOf(new Date("2026-12-13T23:59:59.999Z")))).toBe("2026-12-07"); // Sunday night
    expect(weekKey(weekStartOf(new Date("2026-12-14T00:00:00Z")))).toBe("2026-12-14");
    // Across a year and a month end.
    expect(weekKey(weekStartOf(new Date("2027-01-01T10:00:00Z")))).toBe("2026-12-28");
    expect(weekKey(weekStartOf(new Date("2026-03-01T10:00:00Z")))).toBe("2026-02-23");
  });

  it("covers the current week and the 11 before it, up to now", () => {
    const now = new Date("2026-12-09T12:00:00Z");
    const window = analyticsWindow(now);
    expect(window.weeks).toHaveLength(12);
    expect(window.weeks[0]).toBe("2026-09-21");
    expect(window.weeks[11]).toBe("2026-12-07");
    expect(window.from.toISOString()).toBe("2026-09-21T00:00:00.000Z");
    expect(window.to).toBe(now);
    // Consecutive Mondays, seven days apart.
    for (let i = 1; i < 12; i++)
      expect(Date.parse(window.weeks[i]!) - Date.parse(window.weeks[i - 1]!)).toBe(7 * 86_400_000);
    expect(analyticsWindow(now, 1).weeks).toEqual(["2026-12-07"]);
    expect(() => analyticsWindow(now, 0)).toThrow(RangeError);
  });
});

describe("share within target", () => {
  it("is the fraction of spans within the target, and none without spans", () => {
    expect(shareWithinTarget(2, 3)).toBeCloseTo(2 / 3);
    expect(shareWithinTarget(5, 5)).toBe(1);
    expect(shareWithinTarget(0, 4)).toBe(0);
    expect(shareWithinTarget(0, 0)).toBeNull();
    expect(formatShare(2 / 3)).toBe("67%");
    expect(formatShare(null)).toBe("—");
  });

  it("formats durations in a reader's words", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(720)).toBe("12 min");
    expect(formatDuration(5400)).toBe("1.5 h");
    expect(formatDuration(60 * 3600)).toBe("2.5 d");
    expect(formatDuration(null)).toBe("—");
    expect(hoursOf(5400)).toBe(1.5);
    expect(hoursOf(null)).toBeNull();
  });
});

describe("tables and CSV rows", () => {
  const weeks = ["2026-11-30", "2026-12-07"];
  const figures = {
    figures: [
      {
        stage: "sent" as const,
        week: "2026-11-30",
        count: 2,
        withinTarget: 2,
        medianSeconds: 30,
        p90Seconds: 50,
        p95Seconds: 55,
      },
      {
        stage: "sent" as const,
        week: "2026-12-07",
        count: 4,
        withinTarget: 3,
        medianSeconds: 90,
        p90Seconds: 270,
        p95Seconds: 285,
      },
    ],
  };

  it("fills every stage and week, empty weeks with count 0 and no percentiles; the window's counts are the weeks' sums, without percentiles", () => {
    const tables = stageTables(figures, weeks);
    expect(tables.map((t) => t.key)).toEqual(analyticsStages.map((s) => s.key));
    const sent = tables.find((t) => t.key === "sent")!;
    expect(sent.total).toEqual({
      count: 6,
      withinTarget: 5,
      share: 5 / 6,
      medianSeconds: null,
      p90Seconds: null,
      p95Seconds: null,
    });
    expect(sent.lastCompleteWeek).toMatchObject({ week: "2026-11-30", count: 2, medianSeconds: 30, p95Seconds: 55 });
    expect(sent.byWeek.map((w) => [w.week, w.count, w.medianSeconds])).toEqual([
      ["2026-11-30", 2, 30],
      ["2026-12-07", 4, 90],
    ]);
    const accepted = tables.find((t) => t.key === "accepted")!;
    expect(accepted.total).toMatchObject({ count: 0, share: null });
    expect(accepted.lastCompleteWeek).toMatchObject({ week: "2026-11-30", count: 0, medianSeconds: null });
    // A window of only the current week has no complete week.
    expect(stageTables(figures, ["2026-12-07"])[0]!.lastCompleteWeek).toBeNull();
    expect(tables.find((t) => t.key === "signed_off")?.recorded).toBe(true);
  });

  it("writes a whole-window row and one per week per stage; a stage not recorded has one row saying so", () => {
    const rows = csvRows(stageTables(figures, weeks), 48);
    const recorded = analyticsStages.filter((s) => s.recorded).length;
    expect(rows).toHaveLength(recorded * (1 + weeks.length));
    // Sign-off is recorded: its whole-window row, with no sign-off in these figures.
    expect(rows.find((r) => r[0] === "Opened → signed off")?.slice(0, 3)).toEqual(["Opened → signed off", "all", 0]);
    const unrecorded = csvRows(
      stageTables(figures, weeks).map((t) => (t.key === "signed_off" ? { ...t, recorded: false } : t)),
      48,
    );
    expect(rows[0]).toEqual(["Uploaded → sent", "all", 6, 5, 0.833, null, null, null, 48]);
    expect(rows[1]).toEqual(["Uploaded → sent", "2026-11-30", 2, 2, 1, 0.01, 0.01, 0.02, 48]);
    expect(rows[2]).toEqual(["Uploaded → sent", "2026-12-07", 4, 3, 0.75, 0.03, 0.08, 0.08, 48]);
    expect(unrecorded.find((r) => r[0] === "Opened → signed off")).toEqual([
      "Opened → signed off",
      "not recorded yet",
      null,
      null,
      null,
      null,
      null,
      null,
      48,
    ]);
    // Through the project's CSV writer: a spreadsheet reads back the same header and cells.
    const text = csvLine([...CSV_HEADER]) + rows.map((r) => csvLine(r)).join("");
    const parsed = Papa.parse<string[]>(text.trim(), { newline: "\r\n" }).data;
    expect(parsed[0]).toEqual([...CSV_HEADER]);
    expect(parsed[1]).toEqual(["Uploaded → sent", "all", "6", "5", "0.833", "", "", "", "48"]);
  });
});
