import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { extractPdfText, type PdfText } from "@/lib/pdf/text";
import { greyPng } from "@/lib/testing/png";
import { candidateIdTokens, decideGuard, labelledOtherPatientIds, normaliseId, textNamesId } from "./rules";

const text = (t: string): PdfText => ({ kind: "text", text: t, pagesRead: 1, pageCount: 1, truncated: false });

async function textPdf(lines: string[], pages = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage();
    lines.forEach((line, i) => page.drawText(line, { font, x: 50, y: 750 - i * 20, size: 12 }));
  }
  return doc.save();
}

async function imageOnlyPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const image = await doc.embedPng(greyPng());
  doc.addPage().drawImage(image, { x: 50, y: 500, width: 400, height: 200 });
  return doc.save();
}

describe("normalisation", () => {
  it("ignores case, spaces and dashes of every kind", () => {
    expect(normaliseId("P-123 ab")).toBe("p123ab");
    expect(normaliseId("p\u2013123\u00a0AB")).toBe("p123ab");
    expect(normaliseId("A.9_1")).toBe("a.9_1");
  });

  it("finds an id written with other case, spaces or dashes", () => {
    for (const written of ["P-123", "p-123", "P123", "p 123", "P - 1 2 3", "P\u2011123", "Patient: P-123."]) {
      expect(textNamesId(`Result for ${written} today`, "P-123"), written).toBe(true);
    }
    expect(textNamesId("Accession acc 2024 0001", "ACC-2024-0001")).toBe(true);
  });

  it("does not find an id inside a longer one", () => {
    expect(textNamesId("Patient P-1234", "P-123")).toBe(false);
    expect(textNamesId("Patient XP-123", "P-123")).toBe(false);
    expect(textNamesId("Patient P-12", "P-123")).toBe(false);
    // A dash after the id ends it: the accession of a file named ACC-1-2.pdf is ACC-1.
    expect(textNamesId("Blood count (ACC-1-2.pdf)", "ACC-1")).toBe(true);
  });

  it("keeps '.' and '_' as they are, and treats regex characters literally", () => {
    expect(textNamesId("Sample A.9_1", "a.9_1")).toBe(true);
    expect(textNamesId("Sample AX9_1", "A.9_1")).toBe(false);
  });
});

describe("decideGuard", () => {
  const base = { enabled: true, patientId: "P-123", accessionNumber: "A-9" };

  it("matches when the text names the patient id, never on the accession alone", () => {
    expect(decideGuard({ ...base, text: text("Patient ID: p123") }).outcome).toBe("matched");
    expect(decideGuard({ ...base, text: text("Result for P-123, accession A-9") }).outcome).toBe("matched");
    expect(decideGuard({ ...base, text: text("Accession a 9") }).outcome).toBe("needs_confirmation");
    expect(decideGuard({ ...base, accessionNumber: "ACC-2024-7", text: text("Accession: ACC-2024-7") }).outcome).toBe(
      "needs_confirmation",
    );
  });

  it("holds the reproduction: another patient's labelled id with this file's accession", () => {
    const decision = decideGuard({
      enabled: true,
      patientId: "PT-WHO-1",
      accessionNumber: "ACC-WHO-1",
      text: text(
        "Complete blood count\nPatient ID: PT-WHO-2 Name: Grace Hopper\nAccession: ACC-WHO-1\nHaemoglobin 13.5",
      ),
    });
    expect(decision.outcome).toBe("needs_confirmation");
    expect(decision.reason).toContain("PT-WHO-2");
    expect(decision.reason).toContain("this file is for patient id PT-WHO-1");
  });

  it("holds a labelled id of someone else even when the patient's own id is named too", () => {
    for (const label of [
      "Patient ID: PT-9",
      "MRN: PT-9",
      "MRN PT-9",
      "Patient no. PT-9",
      "Medical record number: PT-9",
    ]) {
      const decision = decideGuard({
        ...base,
        text: text(`Ordered for P-123 (ref). ${label}\nAccession A-9`),
      });
      expect(decision.outcome, label).toBe("needs_confirmation");
      expect(decision.reason, label).toContain("PT-9");
    }
    // The patient's own id behind a label is no one else's.
    expect(decideGuard({ ...base, text: text("MRN: P 123") }).outcome).toBe("matched");
  });

  it("matches on the family name together with the birth date, in common date formats", () => {
    const who = { ...base, patientId: "PX-777", familyName: "Lovelace", birthDate: "1980-03-07" };
    for (const date of [
      "1980-03-07",
      "1980/03/07",
      "07.03.1980",
      "7.3.1980",
      "07/03/1980",
      "03/07/1980",
      "7 Mar 1980",
      "7 March 1980",
      "March 7, 1980",
      "07-Mar-1980",
    ]) {
      expect(decideGuard({ ...who, text: text(`Name: LOVELACE, Ada  DOB: ${date}`) }).outcome, date).toBe("matched");
    }
    // Either alone is not enough; nor is the name inside another word or another date.
    expect(decideGuard({ ...who, text: text("Name: Lovelace, Ada") }).outcome).toBe("needs_confirmation");
    expect(decideGuard({ ...who, text: text("DOB: 1980-03-07") }).outcome).toBe("needs_confirmation");
    expect(decideGuard({ ...who, text: text("Lovelaces 1980-03-07") }).outcome).toBe("needs_confirmation");
    expect(decideGuard({ ...who, text: text("Lovelace 1980-03-17") }).outcome).toBe("needs_confirmation");
  });

  it("does not count an id shorter than 4 characters as found", () => {
    const short = { ...base, patientId: "P-1" };
    expect(decideGuard({ ...short, text: text("Patient P-1, bed 4") }).outcome).toBe("needs_confirmation");
    expect(decideGuard({ ...base, patientId: "P-12", text: text("Patient P-1 2") }).outcome).toBe("needs_confirmation");
    expect(decideGuard({ ...base, patientId: "PX12", text: text("Patient PX 12") }).outcome).toBe("matched");
  });

  it("needs confirmation when the text names neither, with a reason a technician understands", () => {
    const decision = decideGuard({ ...base, text: text("Patient ID: P-999"), otherPatientIds: ["P-999"] });
    expect(decision.outcome).toBe("needs_confirmation");
    expect(decision.reason).toContain(
      "The PDF's text labels patient id P-999, but this file is for patient id P-123. It names patient id P-999 of another patient of this lab.",
    );
    const unnamed = decideGuard({ ...base, text: text("Haemoglobin 13.5, ref P-999"), otherPatientIds: ["P-999"] });
    expect(unnamed.reason).toContain(
      "The PDF's text names neither patient id P-123 nor the patient's family name with the birth date.",
    );
    expect(unnamed.reason).toContain("It names patient id P-999 of another patient of this lab.");
  });

  it("says how much was read when only the first pages were", () => {
    const decision = decideGuard({
      ...base,
      text: { kind: "text", text: "nothing", pagesRead: 10, pageCount: 30, truncated: true },
    });
    expect(decision.reason).toContain("in the first 10 of its 30 pages");
  });

  it("does not check (and never holds) a PDF without text, or one pdf.js cannot open", () => {
    expect(decideGuard({ ...base, text: { kind: "no_text", pagesRead: 1, pageCount: 1 } })).toEqual({
      outcome: "not_checked",
      reason: "Not checked: the PDF has no text (a scanned image?).",
    });
    expect(decideGuard({ ...base, text: { kind: "unreadable", reason: "invalid" } }).outcome).toBe("not_checked");
  });

  it("holds a PDF whose text could not be read within the limits: it could not be checked", () => {
    for (const reason of ["timeout", "too_large", "failed"] as const) {
      const decision = decideGuard({ ...base, text: { kind: "unreadable", reason } });
      expect(decision.outcome, reason).toBe("needs_confirmation");
      expect(decision.reason, reason).toMatch(/^Could not be checked: /);
    }
  });

  it("is off when the lab turned it off", () => {
    expect(decideGuard({ ...base, enabled: false, text: text("anything") })).toEqual({ outcome: "off", reason: null });
  });
});

describe("other patient ids in a text", () => {
  it("lists words that look like ids, and neighbouring words joined after a word with a letter, normalised", () => {
    const tokens = candidateIdTokens("Patient ID: P-999, ref P 7 77. MRN 1234567 Haemoglobin 13.5 12 345 2024-01-05");
    expect(tokens).toContain("p999");
    expect(tokens).toContain("p777");
    expect(tokens).toContain("1234567");
    expect(tokens).not.toContain("haemoglobin");
    // Lab values and short numbers are not ids; nor are numbers joined across a space.
    expect(tokens).not.toContain("13.5");
    expect(tokens).not.toContain("12345");
  });

  it("reads 'Patient ID:' labels whose value is another id", () => {
    expect(labelledOtherPatientIds("Patient ID: P-999\nName: Doe", "P-123")).toEqual(["P-999"]);
    expect(labelledOtherPatientIds("Patient ID: p 123\nPatient no. P123", "P-123")).toEqual([]);
    expect(labelledOtherPatientIds("Patient identifier P-1234", "P-123")).toEqual(["P-1234"]);
    expect(labelledOtherPatientIds("MRN: 55-1234  PID 7781", "P-123")).toEqual(["55-1234", "7781"]);
    // A label followed by a word without a digit is not an id.
    expect(labelledOtherPatientIds("Patient ID: unknown", "P-123")).toEqual([]);
  });
});

describe("extractPdfText", () => {
  it("reads the text of a PDF made with pdf-lib", async () => {
    const result = await extractPdfText(await textPdf(["Complete blood count", "Patient ID: P-123  Accession A-9"]));
    expect(result.kind).toBe("text");
    if (result.kind !== "text") return;
    expect(result.text).toContain("Complete blood count");
    expect(textNamesId(result.text, "P-123")).toBe(true);
    expect(textNamesId(result.text, "A-9")).toBe(true);
  });

  it("finds no text in an image-only PDF (a scan)", async () => {
    expect(await extractPdfText(await imageOnlyPdf())).toEqual({ kind: "no_text", pagesRead: 1, pageCount: 1 });
  });

  it("stops at the page and character limits", async () => {
    const pdf = await textPdf(["A line of text on every page"], 5);
    const result = await extractPdfText(pdf, { maxPages: 2, maxChars: 1000, timeoutMs: 5000 });
    expect(result).toMatchObject({ kind: "text", pagesRead: 2, pageCount: 5, truncated: true });
    const short = await extractPdfText(pdf, { maxPages: 5, maxChars: 10, timeoutMs: 5000 });
    expect(short.kind === "text" && short.text.length).toBe(10);
  });

  it("answers unreadable for bytes that are not a PDF, and for running out of time", async () => {
    expect(await extractPdfText(new TextEncoder().encode("%PDF-1.7\nnot really\n%%EOF"))).toMatchObject({
      kind: "unreadable",
    });
    const pdf = await textPdf(["x"], 3);
    expect(await extractPdfText(pdf, { maxPages: 3, maxChars: 1000, timeoutMs: 0 })).toEqual({
      kind: "unreadable",
      reason: "timeout",
    });
  });
});
