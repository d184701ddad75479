import { describe, expect, it } from "vitest";
import { formatClockTime, formatCount, formatDate, formatFileSize } from "./format";

describe("formatDate", () => {
  it("shows a bare calendar day as that day, whatever the zone", () => {
    expect(formatDate("1984-03-01")).toBe("01 Mar 1984");
    expect(formatDate("2000-12-31")).toBe("31 Dec 2000");
  });
});

describe("formatClockTime", () => {
  it("shows hours, minutes and seconds on a 24-hour clock", () => {
    expect(formatClockTime("2026-01-02T15:04:05")).toBe("15:04:05");
    expect(formatClockTime(new Date(2026, 0, 2, 0, 0, 9))).toBe("00:00:09");
  });

  it("shows an unreadable value as it came instead of failing", () => {
    expect(formatClockTime("not a time")).toBe("not a time");
  });
});

describe("formatFileSize", () => {
  it("uses bytes, kilobytes and megabytes", () => {
    expect(formatFileSize(512)).toBe("512 B");
    expect(formatFileSize(40 * 1024)).toBe("40 KB");
    expect(formatFileSize(2.5 * 1024 * 1024)).toBe("2.5 MB");
  });
});

describe("formatCount", () => {
  it("separates thousands", () => {
    expect(formatCount(12345)).toBe("12,345");
  });
});
