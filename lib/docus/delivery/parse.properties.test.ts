import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "@/lib/crypto";
import { parseDelivery, type DeliveryParseResult } from "./parse";
import { BASE64_ALPHABET, canonical, parse, pdfBase64, pdfBase64Padded, setUpPdfs } from "./parse-fixtures";

setUpPdfs();

describe("parseDelivery properties", () => {
  const isRefusal = (result: DeliveryParseResult) =>
    result.ok || (typeof result.reason === "string" && result.reason.length > 0 && [400, 422].includes(result.status));

  it("answers ok, 400 or 422 for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parse(JSON.stringify(value) ?? "null");
        expect(isRefusal(result)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("answers ok, 400 or 422 for objects mixing the known fields with anything", () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.string(),
      fc.constant(null),
      fc.constantFrom(pdfBase64, "JVBERi0=", "", "application/pdf"),
    );
    const fileLike = fc.oneof(
      anything,
      fc.record({ mime_type: anything, content: anything, file_name: anything }, { requiredKeys: [] }),
    );
    const body = fc.record(
      {
        patient_id: anything,
        reference_id: anything,
        accession_number: anything,
        partner_lab_id: anything,
        file_base64: fileLike,
        report_base64: anything,
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(body, (value) => {
        let text: string;
        try {
          text = JSON.stringify(value) ?? "null";
        } catch {
          return;
        }
        expect(isRefusal(parse(text))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("answers ok, 400 or 422 for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (raw) => {
        expect(isRefusal(parseDelivery(raw))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("never accepts content that is not the strict base64 of a PDF", () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(pdfBase64, pdfBase64Padded.two, pdfBase64Padded.one),
        fc.nat(),
        fc.string({ minLength: 0, maxLength: 3 }),
        fc.nat({ max: 3 }),
      )
      .map(([base, position, insert, deleted]) => {
        const at = position % (base.length + 1);
        return `${base.slice(0, at)}${insert}${base.slice(at + deleted)}`;
      });
    const tweakedTail = fc
      .tuple(fc.constantFrom(pdfBase64Padded.two, pdfBase64Padded.one), fc.string({ maxLength: 4 }), fc.nat({ max: 4 }))
      .map(([base, tail, cut]) => `${base.slice(0, base.length - cut)}${tail}`);
    const lastLetter = fc
      .tuple(fc.constantFrom(pdfBase64Padded.two, pdfBase64Padded.one), fc.constantFrom(...BASE64_ALPHABET))
      .map(([base, letter]) => {
        const index = base.length - (base.endsWith("==") ? 3 : 2);
        return `${base.slice(0, index)}${letter}${base.slice(index + 1)}`;
      });
    const content = fc.oneof(fc.string(), fc.base64String(), mutated, tweakedTail, lastLetter);
    let accepted = 0;
    fc.assert(
      fc.property(content, (text) => {
        const result = parse(canonical({}, { content: text }));
        expect(isRefusal(result)).toBe(true);
        if (result.ok) {
          accepted++;
          expect(Buffer.from(text, "base64").toString("base64")).toBe(text);
          expect(sha256Hex(result.delivery.pdf)).toBe(result.delivery.sha256);
        }
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
