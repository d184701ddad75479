import type { GuardOutcome } from "@/lib/domain";
import type { PdfText } from "@/lib/pdf/text";

/**
 * The wrong-patient guard's rules, free of I/O: how ids are compared with a PDF's text,
 * and what an upload's text means for its send. See README "Wrong-patient guard".
 *
 * An id is found in a text when its letters and digits appear in order, in any case, with
 * any spaces or dashes between them ("P-123" is found in "p 123" and "P123"), and the
 * match stands on its own: no letter or digit directly before or after it ("P-123" is not
 * found in "P-1234" or "XP-123"). Other characters of an id ('.', '_') must be there as
 * they are.
 */

/** Dashes of every kind, and the minus sign: PDFs draw hyphens with any of them. */
const DASHES = "\\-\\u2010\\u2011\\u2012\\u2013\\u2014\\u2015\\u2212\\uFE58\\uFE63\\uFF0D";
const DASH_OR_SPACE = new RegExp(`[\\s${DASHES}]+`, "gu");

/** An id or a token as the checks compare them: NFKC, lower case, no spaces or dashes. */
export function normaliseId(id: string): string {
  return id.normalize("NFKC").toLowerCase().replace(DASH_OR_SPACE, "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The pattern that finds `id` in a text (see the module's comment); null for an id with no letters or digits. */
export function idPattern(id: string, flags = "iu"): RegExp | null {
  const chars = Array.from(normaliseId(id));
  if (!chars.some((c) => /[\p{L}\p{N}]/u.test(c))) return null;
  const body = chars.map(escapeRegExp).join(`[\\s${DASHES}]*`);
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, flags);
}

/** Whether the text names this id. */
export function textNamesId(text: string, id: string): boolean {
  const pattern = idPattern(id);
  return pattern ? pattern.test(text.normalize("NFKC")) : false;
}

const TOKEN = new RegExp(`[\\p{L}\\p{N}._${DASHES}]+`, "gu");
const EDGE_PUNCTUATION = new RegExp(`^[._${DASHES}]+|[._${DASHES}]+$`, "gu");
const MAX_CANDIDATES = 5_000;

/**
 * The words of a text that could be patient ids, normalised (normaliseId) for a lookup
 * among the lab's patients. So that a lab value or a date is not taken for an id, a
 * candidate has at least 4 characters with a letter and a digit, or at least 6 digits.
 * Words are taken alone and, after a word with a letter, joined with the next one or two
 * (an id split by spaces, "P 123"). At most 5,000, so that a long text makes a bounded query.
 */
export function candidateIdTokens(text: string): string[] {
  const words = (text.normalize("NFKC").match(TOKEN) ?? []).map((w) => w.replace(EDGE_PUNCTUATION, "")).filter(Boolean);
  const out = new Set<string>();
  const add = (raw: string) => {
    const token = normaliseId(raw);
    if (token.length > 64 || !/\p{N}/u.test(token)) return;
    const letters = /\p{L}/u.test(token);
    if ((letters && token.length >= 4) || (!letters && token.length >= 6)) out.add(token);
  };
  for (let i = 0; i < words.length && out.size < MAX_CANDIDATES; i++) {
    const word = words[i]!;
    add(word);
    if (!/\p{L}/u.test(word)) continue;
    if (i + 1 < words.length) add(`${word}${words[i + 1]}`);
    if (i + 2 < words.length) add(`${word}${words[i + 1]}${words[i + 2]}`);
  }
  return [...out].slice(0, MAX_CANDIDATES);
}

const PATIENT_LABEL = /patient\s*(?:id\b|identifier\b|number\b|no\b\.?|nr\b\.?|#)\s*[:#.]?\s*/giu;

/**
 * The values that follow a "Patient ID:" label (also "Patient identifier", "Patient
 * number", "Patient no.", "Patient #") and are not `expectedId`: each a word with at least
 * one digit. A value that is `expectedId` written with spaces or dashes is not returned.
 */
export function labelledOtherPatientIds(text: string, expectedId: string): string[] {
  const normalised = text.normalize("NFKC");
  const expected = idPattern(expectedId);
  const anchoredExpected = expected ? new RegExp(`^${expected.source}`, expected.flags) : null;
  const found: string[] = [];
  for (const match of normalised.matchAll(PATIENT_LABEL)) {
    const rest = normalised.slice(match.index + match[0].length, match.index + match[0].length + 200);
    if (anchoredExpected?.test(rest)) continue;
    const word = (rest.match(new RegExp(`^[\\p{L}\\p{N}._${DASHES}]+`, "u"))?.[0] ?? "").replace(EDGE_PUNCTUATION, "");
    if (word && /\p{N}/u.test(word) && normaliseId(word) !== normaliseId(expectedId) && !found.includes(word))
      found.push(word);
    if (found.length >= 10) break;
  }
  return found;
}

export type GuardDecision = { outcome: GuardOutcome; reason: string | null };

export type GuardInput = {
  /** The lab's setting. */
  enabled: boolean;
  /** The PDF's text, or null when the guard is off and nothing was read. */
  text: PdfText | null;
  /** The patient id typed at upload (the patient's id in the lab). */
  patientId: string;
  accessionNumber: string;
  /** Patient ids of other patients of the lab that the text names, for the reason. */
  otherPatientIds?: string[];
};

const UNREADABLE: Record<Extract<PdfText, { kind: "unreadable" }>["reason"], string> = {
  timeout: "Not checked: reading the PDF's text took too long.",
  invalid: "Not checked: the PDF's text could not be read.",
  encrypted: "Not checked: the PDF is encrypted.",
};

/**
 * The guard's verdict on one upload: `matched` when the text names the patient id or the
 * accession number; `needs_confirmation` when it has text and names neither; `not_checked`
 * when it has no text (a scan) or cannot be read, which never holds a file; `off` when the
 * lab turned the guard off.
 */
export function decideGuard(input: GuardInput): GuardDecision {
  if (!input.enabled) return { outcome: "off", reason: null };
  const text = input.text;
  if (!text) return { outcome: "not_checked", reason: "Not checked: the PDF's text was not read." };
  if (text.kind === "no_text")
    return { outcome: "not_checked", reason: "Not checked: the PDF has no text (a scanned image?)." };
  if (text.kind === "unreadable") return { outcome: "not_checked", reason: UNREADABLE[text.reason] };
  if (textNamesId(text.text, input.patientId) || textNamesId(text.text, input.accessionNumber))
    return { outcome: "matched", reason: null };
  const pages = text.pagesRead < text.pageCount ? ` in the first ${text.pagesRead} of its ${text.pageCount} pages` : "";
  const others = (input.otherPatientIds ?? []).filter((id) => normaliseId(id) !== normaliseId(input.patientId));
  const other =
    others.length > 0
      ? ` It names ${others.length === 1 ? "patient id" : "patient ids"} ${others.slice(0, 3).join(", ")} of ${others.length === 1 ? "another patient" : "other patients"} of this lab.`
      : "";
  return {
    outcome: "needs_confirmation",
    reason:
      `The PDF's text names neither patient id ${input.patientId} nor accession ${input.accessionNumber}${pages}.${other} ` +
      "Check that this file belongs to this patient before sending it.",
  };
}
