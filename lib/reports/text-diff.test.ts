import { describe, expect, it } from "vitest";
import { computeTextDiff, normaliseText } from "./text-diff";

const join = (parts: ReturnType<typeof computeTextDiff>["parts"], op: "added" | "removed") =>
  parts
    .filter((p) => p.op === op)
    .map((p) => (p.op === op ? p.text.trim() : ""))
    .join("|");

describe("computeTextDiff", () => {
  it("finds the words added and removed", () => {
    const diff = computeTextDiff(
      "Potassium 4.1 mmol/L within range. Recommend follow-up in 6 months.",
      "Potassium 5.9 mmol/L above range. Recommend follow-up in 6 months.",
    );
    expect(diff.changed).toBe(true);
    expect(join(diff.parts, "removed")).toBe("4.1|within");
    expect(join(diff.parts, "added")).toBe("5.9|above");
    expect(diff.wordsAdded).toBe(2);
    expect(diff.wordsRemoved).toBe(2);
    expect(diff.partial).toBe(false);
    // The unchanged words are kept around the changes.
    expect(diff.parts.some((p) => p.op === "same" && p.text.includes("Recommend"))).toBe(true);
  });

  it("says nothing changed when only the layout (spaces, line breaks) differs", () => {
    const diff = computeTextDiff("Sodium 140\nmmol/L   normal", "  Sodium 140 mmol/L\n\nnormal ");
    expect(diff).toEqual({ changed: false, wordsAdded: 0, wordsRemoved: 0, parts: [], partial: false });
  });

  it("counts a text that appears from nothing as all added", () => {
    const diff = computeTextDiff("", "New addendum text");
    expect(diff.changed).toBe(true);
    expect(diff.wordsAdded).toBe(3);
    expect(diff.wordsRemoved).toBe(0);
  });

  it("keeps only the ends of long unchanged stretches", () => {
    const filler = Array.from({ length: 500 }, (_, i) => `word${i}`).join(" ");
    const diff = computeTextDiff(`${filler} old ${filler}`, `${filler} new ${filler}`, { context: 50 });
    const skipped = diff.parts.filter((p) => p.op === "skipped");
    expect(skipped).toHaveLength(2);
    const keptChars = diff.parts.reduce((n, p) => n + (p.op === "skipped" ? 0 : p.text.length), 0);
    expect(keptChars).toBeLessThan(200);
    expect(join(diff.parts, "added")).toBe("new");
  });

  it("stays within its size and time on long, entirely different texts", () => {
    const words = (seed: number) => Array.from({ length: 20_000 }, (_, i) => `w${(i * seed) % 9973}x${seed}`).join(" ");
    const started = Date.now();
    const diff = computeTextDiff(words(7), words(13), { timeoutMs: 300, maxChars: 10_000 });
    const elapsed = Date.now() - started;
    expect(diff.changed).toBe(true);
    expect(diff.partial).toBe(true);
    const keptChars = diff.parts.reduce((n, p) => n + (p.op === "skipped" ? 0 : p.text.length), 0);
    expect(keptChars).toBeLessThanOrEqual(10_000);
    expect(diff.wordsAdded).toBeGreaterThan(0);
    // Bounded by the library's timeout (with room for a slow machine), not by the texts' size.
    expect(elapsed).toBeLessThan(5_000);
  });

  it("normalises whitespace", () => {
    expect(normaliseText(" a\t\nb  c ")).toBe("a b c");
  });
});
