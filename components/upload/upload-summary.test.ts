import { describe, expect, it } from "vitest";
import type { LabResultStatus } from "@/lib/domain";
import type { FileRow } from "./upload-model";
import { countRows, summarizeRows } from "./upload-summary";

const file = new File(["%PDF-"], "a.pdf");
const stored = (key: string, status: LabResultStatus): FileRow => ({
  key,
  file,
  state: { phase: "sent", labResultId: key, status },
});

describe("the single upload's summary", () => {
  it("does not call a file the guard holds sent", () => {
    const counts = countRows([stored("h", "needs_confirmation")], new Map());
    expect(counts.held).toBe(1);
    const text = summarizeRows(counts, true);
    expect(text).toContain("0 of 1 sent.");
    expect(text).toContain("1 file is held");
  });

  it("counts the others sent, and a held file once confirmed (its live status moved on)", () => {
    const rows = [stored("a", "queued"), stored("b", "accepted"), stored("h", "needs_confirmation")];
    expect(summarizeRows(countRows(rows, new Map()), false)).toMatch(/^2 of 3 sent\. .*1 file is held/);
    const live = new Map([
      ["h", { id: "h", status: "queued" as const, attempts: 0, nextAttemptAt: null, lastError: null }],
    ]);
    const counts = countRows(rows, live as never);
    expect(counts.held).toBe(0);
    expect(summarizeRows(counts, false)).toMatch(/^3 of 3 sent\./);
  });
});
