import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { checkPdf } from "./check";

async function validPdf(useObjectStreams = true): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage();
  page.drawText("Haemoglobin 13.5 g/dL", { font: await doc.embedFont(StandardFonts.Helvetica), x: 50, y: 700 });
  return doc.save({ useObjectStreams });
}

const PNG_SIGNATURE = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

describe("checkPdf", () => {
  it("accepts a valid PDF", async () => {
    expect(checkPdf(await validPdf(), "cbc.pdf")).toEqual({ ok: true });
  });

  it("refuses a PNG renamed .pdf", () => {
    expect(checkPdf(PNG_SIGNATURE, "scan.pdf")).toMatchObject({
      ok: false,
      problem: "not_pdf",
      message: "scan.pdf is not a PDF (its content is not a PDF document).",
    });
  });

  it("refuses HTML", () => {
    const html = new TextEncoder().encode("<!doctype html><html><body>Login</body></html>");
    expect(checkPdf(html, "result.pdf")).toMatchObject({ ok: false, problem: "not_pdf" });
  });

  it("refuses an empty file", () => {
    expect(checkPdf(new Uint8Array(), "empty.pdf")).toMatchObject({
      ok: false,
      problem: "empty",
      message: "empty.pdf is empty.",
    });
  });

  it("refuses a truncated PDF", async () => {
    const bytes = await validPdf();
    expect(checkPdf(bytes.subarray(0, Math.floor(bytes.length / 2)), "cut.pdf")).toMatchObject({
      ok: false,
      problem: "truncated",
    });
  });

  it("refuses an encrypted PDF", async () => {
    // Classic trailer (no cross-reference stream), as most encrypting writers produce.
    const bytes = Buffer.from(await validPdf(false)).toString("latin1");
    const encrypted = bytes.replace("trailer\n<<", "trailer\n<<\n/Encrypt 99 0 R");
    expect(encrypted).not.toBe(bytes);
    expect(checkPdf(Buffer.from(encrypted, "latin1"), "locked.pdf")).toMatchObject({ ok: false, problem: "encrypted" });
  });
});
