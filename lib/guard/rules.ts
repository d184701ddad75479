import type { GuardOutcome } from "@/lib/domain";
import type { PdfText } from "@/lib/pdf/text";

/**
 * The wrong-patient guard's rules, free of I/O: how ids are compared with a PDF's text,
 * and what an upload's text means for its send. See docs/technicians.md, "Wrong-patient guard".
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

const PATIENT_LABEL =
  /(?:patient\s*(?:id\b|identifier\b|number\b|no\b\.?|nr\b\.?|#)|\bmrn\b|\bmedical\s+record\s*(?:number\b|no\b\.?|#)?|\bpid\b)\s*[:#.]?\s*/giu;

/**
 * The values that follow a patient label: "Patient ID:" (also "Patient identifier",
 * "Patient number", "Patient no.", "Patient #"), "MRN", "Medical record number" or "PID";
 * each a word with at least one digit that is not `expectedId`. A value that is
 * `expectedId` written with spaces or dashes is not returned.
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

/** Fewer letters and digits than this, and an id is too short to count as found in a text. */
export const MIN_ID_CHARACTERS = 4;

/** Whether the text names this id, and the id is long enough for that to mean something. */
export function textNamesPatientId(text: string, id: string): boolean {
  const significant = Array.from(normaliseId(id)).filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
  return significant >= MIN_ID_CHARACTERS && textNamesId(text, id);
}

function letters(name: string): string {
  return name.normalize("NFKC").trim().toLowerCase();
}

/** Whether the text names this family name as a word of its own (any case; spaces and dashes inside it as written or not). */
export function textNamesFamilyName(text: string, familyName: string): boolean {
  const parts = letters(familyName)
    .split(new RegExp(`[\\s${DASHES}]+`, "u"))
    .filter(Boolean);
  if (parts.join("").length < 2) return false;
  const body = parts.map(escapeRegExp).join(`[\\s${DASHES}]*`);
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, "iu").test(text.normalize("NFKC"));
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/**
 * Whether the text names this birth date (YYYY-MM-DD) in a common format: 1970-03-14,
 * 1970/03/14, 14.03.1970, 14/03/1970, 14-03-1970, 03/14/1970 (days and months with or
 * without a leading zero), 14 Mar 1970, 14 March 1970, March 14, 1970, 14-Mar-1970.
 */
export function textNamesDate(text: string, isoDate: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return false;
  const [, y, mm, dd] = match as unknown as [string, string, string, string];
  const m = String(Number(mm));
  const d = String(Number(dd));
  const day = `0?${d}`;
  const month = `0?${m}`;
  const name = MONTHS[Number(mm) - 1];
  if (!name) return false;
  const monthName = `(?:${name}|${name.slice(0, 3)}\\.?)`;
  const ordinal = `${day}(?:st|nd|rd|th)?`;
  const forms = [
    `${y}[-/.]${month}[-/.]${day}`,
    `${day}[./-]${month}[./-]${y}`,
    `${month}/${day}/${y}`,
    `${ordinal}[\\s-]*${monthName}[\\s,-]*${y}`,
    `${monthName}\\s*${ordinal},?\\s*${y}`,
  ];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms.join("|")})(?![\\p{L}\\p{N}])`, "iu");
  return pattern.test(text.normalize("NFKC"));
}

export type GuardInput = {
  /** The lab's setting. */
  enabled: boolean;
  /** The PDF's text, or null when the guard is off and nothing was read. */
  text: PdfText | null;
  /** The patient id typed at upload (the patient's id in the lab). */
  patientId: string;
  /** The patient's family name and birth date (YYYY-MM-DD): together they identify the patient too. */
  familyName?: string | null;
  birthDate?: string | null;
  accessionNumber: string;
  /** Patient ids of other patients of the lab that the text names, for the reason. */
  otherPatientIds?: string[];
};

const CONFIRM = "Check that this file belongs to this patient before sending it.";

/** Could not be read within the limits: held, as a check that did not happen is no match. */
const NOT_READ_IN_TIME: Partial<Record<Extract<PdfText, { kind: "unreadable" }>["reason"], string>> = {
  timeout: "Could not be checked: reading the PDF's text took longer than the time allowed.",
  too_large: "Could not be checked: the PDF's text is too large to read.",
  failed: "Could not be checked: reading the PDF's text failed.",
};

const UNREADABLE: Record<"invalid" | "encrypted", string> = {
  invalid: "Not checked: the PDF's text could not be read.",
  encrypted: "Not checked: the PDF is encrypted.",
};

/**
 * The guard's verdict on one upload.
 * - `needs_confirmation` (held) when the text labels another patient id ("Patient ID: X",
 *   "MRN: X"…), even if it names this patient's id too; when it names neither this
 *   patient's id nor this patient's family name together with the birth date (the
 *   accession number alone never matches: it is typed with the file and proves nothing
 *   of the patient); and when the text could not be read within the limits (time, size).
 * - `matched` when it names this patient's id (of at least 4 letters and digits), or the
 *   family name and the birth date, and labels no other patient id.
 * - `not_checked` when the PDF has no text (a scan) or pdf.js cannot open it: never held.
 * - `off` when the lab turned the guard off.
 */
export function decideGuard(input: GuardInput): GuardDecision {
  if (!input.enabled) return { outcome: "off", reason: null };
  const text = input.text;
  if (!text) return { outcome: "not_checked", reason: "Not checked: the PDF's text was not read." };
  if (text.kind === "no_text")
    return { outcome: "not_checked", reason: "Not checked: the PDF has no text (a scanned image?)." };
  if (text.kind === "unreadable") {
    const held = NOT_READ_IN_TIME[text.reason];
    if (held) return { outcome: "needs_confirmation", reason: `${held} ${CONFIRM}` };
    return { outcome: "not_checked", reason: UNREADABLE[text.reason as "invalid" | "encrypted"] };
  }
  const others = (input.otherPatientIds ?? []).filter((id) => normaliseId(id) !== normaliseId(input.patientId));
  const other =
    others.length > 0
      ? ` It names ${others.length === 1 ? "patient id" : "patient ids"} ${others.slice(0, 3).join(", ")} of ${others.length === 1 ? "another patient" : "other patients"} of this lab.`
      : "";
  const labelled = labelledOtherPatientIds(text.text, input.patientId);
  if (labelled.length > 0) {
    const ids = labelled.slice(0, 3).join(", ");
    return {
      outcome: "needs_confirmation",
      reason:
        `The PDF's text labels ${labelled.length === 1 ? "patient id" : "patient ids"} ${ids}, ` +
        `but this file is for patient id ${input.patientId}.${other} ${CONFIRM}`,
    };
  }
  const byId = textNamesPatientId(text.text, input.patientId);
  const byNameAndBirth =
    !!input.familyName &&
    !!input.birthDate &&
    textNamesFamilyName(text.text, input.familyName) &&
    textNamesDate(text.text, input.birthDate);
  if (byId || byNameAndBirth) return { outcome: "matched", reason: null };
  const pages = text.pagesRead < text.pageCount ? ` in the first ${text.pagesRead} of its ${text.pageCount} pages` : "";
  return {
    outcome: "needs_confirmation",
    reason:
      `The PDF's text names neither patient id ${input.patientId} nor the patient's family name with the birth date${pages}.${other} ` +
      CONFIRM,
  };
}
