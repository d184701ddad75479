import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { checkPdf } from "@/lib/pdf/check";
import { sameDemographics } from "@/db/queries/patient-resolution";
import { differingField, type PersonDetails } from "./demographics";
import { checkPdfBytes } from "./pdf-bytes";

/** The browser's checks must give the server's answers. */

async function pdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText("Complete blood count");
  return doc.save({ useObjectStreams: false });
}

describe("checkPdfBytes", () => {
  it("agrees with the server's checkPdf on a PDF, a PNG, a truncated and an encrypted PDF", async () => {
    const good = await pdf();
    const text = new TextDecoder("latin1").decode(good);
    const encrypted = Uint8Array.from(text.replace("trailer\n<<", "trailer\n<<\n/Encrypt 99 0 R"), (c) =>
      c.charCodeAt(0),
    );
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const truncated = good.subarray(0, good.length - 40);
    const cases: Array<[Uint8Array, string | null]> = [
      [good, null],
      [png, "not_pdf"],
      [truncated, "truncated"],
      [encrypted, "encrypted"],
      [new Uint8Array(0), "empty"],
    ];
    for (const [bytes, expected] of cases) {
      const browser = checkPdfBytes(bytes, "x.pdf", 20);
      const server = checkPdf(bytes, "x.pdf");
      expect(browser?.code ?? null).toBe(expected);
      expect(browser?.message ?? null).toBe(server.ok ? null : server.message);
    }
  });

  it("refuses a file over the size limit before reading it", () => {
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    expect(checkPdfBytes(big, "big.pdf", 2)).toEqual({
      code: "too_large",
      message: "big.pdf is larger than the 2 MB limit.",
    });
  });
});

describe("differingField", () => {
  it("gives the same person as the server's patient resolution", () => {
    const ada: PersonDetails = { givenName: "Ada", familyName: "Lovelace", birthDate: "1980-12-10", sex: "female" };
    const variants: PersonDetails[] = [
      { ...ada },
      { ...ada, givenName: "  ADA " },
      { ...ada, familyName: "love  lace" },
      { ...ada, givenName: "Ren\u00e9e" },
      { ...ada, givenName: "Adah" },
      { ...ada, birthDate: "1980-12-11" },
      { ...ada, sex: "other" },
      { ...ada, birthDate: null },
    ];
    for (const a of variants)
      for (const b of variants) expect(differingField(a, b) === null).toBe(sameDemographics(a, b));
  });
});
