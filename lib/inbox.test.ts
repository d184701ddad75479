import { describe, expect, it } from "vitest";
import { ageTone, formatDuration, inboxSearchSchema, waitingDays } from "./inbox";

describe("inbox helpers", () => {
  it("colours the age amber from the amber day and red from the red day", () => {
    expect(ageTone(6, 7, 14)).toBe("normal");
    expect(ageTone(7, 7, 14)).toBe("amber");
    expect(ageTone(13, 7, 14)).toBe("amber");
    expect(ageTone(14, 7, 14)).toBe("red");
  });

  it("counts whole days waited", () => {
    const now = new Date("2026-01-15T12:00:00Z");
    expect(waitingDays(new Date("2026-01-15T00:00:00Z"), now)).toBe(0);
    expect(waitingDays(new Date("2026-01-08T11:59:00Z"), now)).toBe(7);
    expect(waitingDays(new Date("2026-01-16T00:00:00Z"), now)).toBe(0);
  });

  it("writes durations in minutes, hours and days", () => {
    expect(formatDuration(3 * 60_000)).toBe("3 min");
    expect(formatDuration(125 * 60_000)).toBe("2 h 5 min");
    expect(formatDuration(28 * 3_600_000)).toBe("1 d 4 h");
  });

  it("reads the filters from the address and ignores what it does not know", () => {
    expect(inboxSearchSchema.parse({ flag: "critical", who: "all", age: "red", patient: " Doe " })).toEqual({
      flag: "critical",
      who: "all",
      age: "red",
      patient: "Doe",
    });
    expect(inboxSearchSchema.parse({ flag: "purple", who: ["mine", "all"], age: "" })).toEqual({
      flag: undefined,
      who: "mine",
      age: undefined,
      patient: undefined,
    });
  });
});
