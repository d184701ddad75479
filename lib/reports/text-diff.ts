import { diffArrays } from "diff";
import type { DiffPart } from "@/db/schema/sharing";

/**
 * The word diff of two report versions' text (the `diff` library's diffArrays over the
 * words, so that a value such as "4.1" or "mmol/L" is one word, not three), bounded:
 * in time (the library gives up past `timeoutMs` and the texts are then shown as replaced
 * whole), and in size (long unchanged stretches keep only `context` characters at each
 * end; the parts kept stop at `maxChars`). Whitespace is not compared: a PDF's text
 * differs in its spaces and line breaks when only its layout changed.
 */

export type { DiffPart };

export type TextDiff = {
  /** Whether any word differs; false: only the layout (or nothing) changed. */
  changed: boolean;
  wordsAdded: number;
  wordsRemoved: number;
  parts: DiffPart[];
  /** Not every change is shown: the diff was too large, or took too long word by word. */
  partial: boolean;
};

export type DiffLimits = { timeoutMs: number; context: number; maxChars: number };

export const defaultDiffLimits: DiffLimits = { timeoutMs: 2_000, context: 80, maxChars: 60_000 };

/** Whitespace runs as one space, trimmed. */
export function normaliseText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Keeps both ends of a long unchanged stretch (the first part keeps only its end, the last only its start). */
function trimSame(text: string, context: number, first: boolean, last: boolean): DiffPart[] {
  const keepHead = first ? 0 : context;
  const keepTail = last ? 0 : context;
  if (text.length <= keepHead + keepTail + 20) return [{ op: "same", text }];
  const out: DiffPart[] = [];
  if (keepHead > 0) out.push({ op: "same", text: text.slice(0, keepHead) });
  out.push({ op: "skipped", chars: text.length - keepHead - keepTail });
  if (keepTail > 0) out.push({ op: "same", text: text.slice(text.length - keepTail) });
  return out;
}

export function computeTextDiff(before: string, after: string, limits: Partial<DiffLimits> = {}): TextDiff {
  const { timeoutMs, context, maxChars } = { ...defaultDiffLimits, ...limits };
  const a = normaliseText(before);
  const b = normaliseText(after);
  if (a === b) return { changed: false, wordsAdded: 0, wordsRemoved: 0, parts: [], partial: false };

  const words = (text: string) => (text === "" ? [] : text.split(" "));
  const raw = diffArrays(words(a), words(b), { timeout: timeoutMs });
  // Each change as text, with the space that separated it from the next one.
  const changes = raw?.map((c, i) => ({
    added: c.added,
    removed: c.removed,
    value: c.value.join(" ") + (i < raw.length - 1 ? " " : ""),
  }));
  if (!changes) {
    // Too many changes to compare word by word in the time: the texts as replaced whole.
    const removed = a.slice(0, Math.floor(maxChars / 2));
    const added = b.slice(0, Math.floor(maxChars / 2));
    return {
      changed: true,
      wordsAdded: countWords(b),
      wordsRemoved: countWords(a),
      parts: [
        { op: "removed", text: removed },
        { op: "added", text: added },
      ],
      partial: true,
    };
  }

  let wordsAdded = 0;
  let wordsRemoved = 0;
  let kept = 0;
  let partial = false;
  const parts: DiffPart[] = [];
  changes.forEach((change, index) => {
    if (change.added) wordsAdded += countWords(change.value);
    else if (change.removed) wordsRemoved += countWords(change.value);
    if (partial) return;
    const pieces: DiffPart[] = change.added
      ? [{ op: "added", text: change.value }]
      : change.removed
        ? [{ op: "removed", text: change.value }]
        : trimSame(change.value, context, index === 0, index === changes.length - 1);
    for (const piece of pieces) {
      const size = piece.op === "skipped" ? 0 : piece.text.length;
      if (kept + size > maxChars) {
        partial = true;
        return;
      }
      kept += size;
      parts.push(piece);
    }
  });
  // Only whitespace differs inside words' boundaries: nothing a reader would call a change.
  const changed = wordsAdded + wordsRemoved > 0 || parts.some((p) => p.op === "added" || p.op === "removed");
  return changed
    ? { changed, wordsAdded, wordsRemoved, parts, partial }
    : { changed: false, wordsAdded: 0, wordsRemoved: 0, parts: [], partial: false };
}
