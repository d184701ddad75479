import { describe, expect, it } from "vitest";
import { sha256Hex } from "@/lib/crypto";
import { METADATA_MAX_BYTES, parseDelivery } from "./parse";
import {
  BASE64_ALPHABET,
  bytes,
  canonical,
  expectOk,
  parse,
  pdfBase64,
  pdfBase64Padded,
  pdfBytes,
  pngBase64,
  setUpPdfs,
} from "./parse-fixtures";

setUpPdfs();

describe("parseDelivery", () => {
  it("parses the canonical body", () => {
    const delivery = expectOk(parse(canonical()));
    expect(delivery).toMatchObject({
      patientId: "P-0001",
      referenceId: "ACC-42",
      partnerLabId: "lab-north",
      fileName: "interpretation.pdf",
      sha256: sha256Hex(pdfBytes),
      metadata: {},
    });
    expect(Buffer.from(delivery.pdf).equals(Buffer.from(pdfBytes))).toBe(true);
  });

  it("parses what the simulator sends (no reference or lab id)", () => {
    const delivery = expectOk(
      parse({ patient_id: "P-9", file_base64: { mime_type: "application/pdf", content: pdfBase64 } }),
    );
    expect(delivery).toMatchObject({
      patientId: "P-9",
      referenceId: null,
      partnerLabId: null,
      fileName: "interpretation-report.pdf",
    });
  });

  it("accepts both kinds of padding, and keeps the delivered Base64 for the database to decode", () => {
    for (const content of [pdfBase64Padded.two, pdfBase64Padded.one]) {
      const delivery = expectOk(parse(canonical({}, { content })));
      expect(delivery.pdfBase64).toBe(content);
      expect(Buffer.from(delivery.pdf).toString("base64")).toBe(content);
    }
    expect(expectOk(parse({ patient_id: "P-2", report_base64: pdfBase64 })).pdfBase64).toBe(pdfBase64);
    expect(pdfBase64Padded.two.endsWith("==")).toBe(true);
    expect(pdfBase64Padded.one.endsWith("=") && !pdfBase64Padded.one.endsWith("==")).toBe(true);
  });

  it("trims identifiers and treats empty optional ones as absent", () => {
    const delivery = expectOk(parse(canonical({ patient_id: "  P-7 ", reference_id: "", partner_lab_id: null })));
    expect(delivery).toMatchObject({ patientId: "P-7", referenceId: null, partnerLabId: null });
  });

  it("accepts the aliases accession_number and report_base64", () => {
    const delivery = expectOk(parse({ patient_id: "P-2", accession_number: "ACC-7", report_base64: pdfBase64 }));
    expect(delivery).toMatchObject({
      patientId: "P-2",
      referenceId: "ACC-7",
      fileName: "interpretation-ACC-7.pdf",
      sha256: sha256Hex(pdfBytes),
      metadata: {},
    });
    expect(expectOk(parse(canonical({ accession_number: "ACC-42" }))).referenceId).toBe("ACC-42");
  });

  it("refuses conflicting aliases with 400", () => {
    expect(parse(canonical({ accession_number: "ACC-43" }))).toEqual({
      ok: false,
      status: 400,
      reason: "reference_id and accession_number differ",
    });
    expect(parse({ ...canonical(), report_base64: pdfBase64 })).toEqual({
      ok: false,
      status: 400,
      reason: "send either file_base64 or report_base64, not both",
    });
    expect(parse({ patient_id: "P-1" })).toEqual({ ok: false, status: 400, reason: "file_base64 is required" });
  });

  it("refuses a missing, empty or non-string patient_id with 400", () => {
    const { patient_id: _omitted, ...withoutPatient } = canonical();
    expect(parse(withoutPatient)).toEqual({ ok: false, status: 400, reason: "patient_id is required" });
    expect(parse(canonical({ patient_id: "   " }))).toEqual({
      ok: false,
      status: 400,
      reason: "patient_id is required",
    });
    expect(parse(canonical({ patient_id: 42 }))).toEqual({
      ok: false,
      status: 400,
      reason: "patient_id must be a string",
    });
    expect(parse(canonical({ patient_id: "x".repeat(129) }))).toMatchObject({ ok: false, status: 400 });
    expect(parse(canonical({ patient_id: "P\u00001" }))).toMatchObject({ ok: false, status: 400 });
    expect(parse(canonical({ reference_id: 5 }))).toEqual({
      ok: false,
      status: 400,
      reason: "reference_id must be a string",
    });
  });

  it("refuses malformed JSON, invalid UTF-8 and bodies that are not objects with 400", () => {
    expect(parse('{"patient_id": "P-1",')).toEqual({ ok: false, status: 400, reason: "malformed JSON" });
    expect(parse("")).toEqual({ ok: false, status: 400, reason: "malformed JSON" });
    expect(parseDelivery(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      status: 400,
      reason: "body is not valid UTF-8",
    });
    for (const body of ["[]", `[${JSON.stringify(canonical())}]`, "null", "42", '"text"']) {
      expect(parse(body)).toEqual({ ok: false, status: 400, reason: "body must be a JSON object" });
    }
    expect(parse(canonical({ file_base64: "JVBERi0=" }))).toMatchObject({ ok: false, status: 400 });
  });

  it("refuses the base64 of a PNG with 422", () => {
    const result = parse(canonical({}, { content: pngBase64 }));
    expect(result).toMatchObject({ ok: false, status: 422 });
    expect(!result.ok && result.reason).toMatch(/not a PDF/);
    expect(parse({ patient_id: "P-1", report_base64: pngBase64 })).toMatchObject({ ok: false, status: 422 });
  });

  it("refuses a truncated PDF with 422", () => {
    const truncated = Buffer.from(pdfBytes)
      .subarray(0, pdfBytes.length - 40)
      .toString("base64");
    const result = parse(canonical({}, { content: truncated }));
    expect(result).toMatchObject({ ok: false, status: 422 });
    expect(!result.ok && result.reason).toMatch(/incomplete/);
  });

  it("refuses invalid base64 with 422", () => {
    const middle = Math.floor(pdfBase64.length / 2);
    const invalid = [
      `${pdfBase64.slice(0, middle)}*${pdfBase64.slice(middle + 1)}`,
      `${pdfBase64.slice(0, middle)} ${pdfBase64.slice(middle)}`,
      `${pdfBase64.slice(0, middle)}\n${pdfBase64.slice(middle)}`,
      `${pdfBase64}\n`,
      `${pdfBase64}====`,
      pdfBase64Padded.two.slice(0, -2),
      pdfBase64Padded.two.slice(0, -1),
      `${pdfBase64.slice(0, 8)}=${pdfBase64.slice(9)}`,
      pdfBase64.replace(/\+/g, "-").replace(/\//g, "_"),
      `${pdfBase64.slice(0, middle)}-${pdfBase64.slice(middle + 1)}`,
      `${pdfBase64.slice(0, middle)}_${pdfBase64.slice(middle + 1)}`,
      `${pdfBase64.slice(0, middle)}é${pdfBase64.slice(middle + 1)}`,
    ];
    expect(/[+/]/.test(pdfBase64)).toBe(true);
    for (const content of invalid) {
      expect(parse(canonical({}, { content }))).toEqual({
        ok: false,
        status: 422,
        reason: "file_base64.content is invalid base64",
      });
    }
    expect(parse({ patient_id: "P-1", report_base64: `${pdfBase64} ` })).toEqual({
      ok: false,
      status: 422,
      reason: "report_base64 is invalid base64",
    });
    expect(parse(canonical({}, { content: "" }))).toEqual({
      ok: false,
      status: 422,
      reason: "file_base64.content is empty",
    });
  });

  it("refuses base64 whose unused trailing bits are not zero", () => {
    for (const content of [pdfBase64Padded.two, pdfBase64Padded.one]) {
      const padding = content.endsWith("==") ? 2 : 1;
      const lastIndex = content.length - padding - 1;
      const last = BASE64_ALPHABET.indexOf(content.charAt(lastIndex));
      const altered = `${content.slice(0, lastIndex)}${BASE64_ALPHABET.charAt(last | 1)}${content.slice(lastIndex + 1)}`;
      expect(Buffer.from(altered, "base64").equals(Buffer.from(content, "base64"))).toBe(true);
      expect(parse(canonical({}, { content: altered }))).toMatchObject({ ok: false, status: 422 });
    }
  });

  it("refuses a mime_type other than application/pdf with 422", () => {
    expect(parse(canonical({}, { mime_type: "image/png" }))).toEqual({
      ok: false,
      status: 422,
      reason: "file_base64.mime_type must be application/pdf",
    });
    expect(parse(canonical({}, { mime_type: "Application/PDF" })).ok).toBe(true);
    const { mime_type: _omitted, ...withoutMime } = canonical().file_base64;
    expect(parse(canonical({ file_base64: withoutMime })).ok).toBe(true);
  });

  it("keeps unknown fields as metadata, without the report content", () => {
    const delivery = expectOk(
      parse(canonical({ report_id: "r-123", generated_at: "2025-06-01T12:00:00Z", nested: { a: [1, 2] } })),
    );
    expect(delivery.metadata).toEqual({
      report_id: "r-123",
      generated_at: "2025-06-01T12:00:00Z",
      nested: { a: [1, 2] },
    });
    expect(JSON.stringify(delivery.metadata)).not.toContain(pdfBase64.slice(0, 40));

    const withProto = expectOk(
      parseDelivery(bytes(JSON.stringify(canonical()).replace(/^\{/, '{"__proto__": {"polluted": 1},'))),
    );
    expect(Object.getPrototypeOf(withProto.metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(withProto.metadata, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("drops oversized metadata, keeping a note, and replaces NUL characters", () => {
    const delivery = expectOk(parse(canonical({ blob: "x".repeat(METADATA_MAX_BYTES + 1) })));
    expect(Object.keys(delivery.metadata)).toEqual(["_portal_note"]);
    expect(String(delivery.metadata._portal_note)).toMatch(/not kept/);
    const withNul = expectOk(parse(canonical({ note: "a\u0000b", literal: "\\u0000" })));
    expect(withNul.metadata).toEqual({ note: "a\ufffdb", literal: "\\u0000" });
  });

  it("sanitizes the file name", () => {
    const name = (file_name: unknown) => expectOk(parse(canonical({}, { file_name }))).fileName;
    expect(name("../../etc/passwd")).toBe("passwd.pdf");
    expect(name("C:\\reports\\final report.pdf")).toBe("final report.pdf");
    expect(name("re\u0000po\u001brt\u202e.pdf")).toBe("report.pdf");
    expect(name("invoice\u202Efdp.exe")).toBe("invoicefdp.exe.pdf");
    expect(name("c1\u0085\u009b.pdf")).toBe("c1.pdf");
    expect(name("..hidden.pdf")).toBe("hidden.pdf");
    expect(name("Report.PDF")).toBe("Report.PDF");
    const long = name(`${"a".repeat(300)}.pdf`);
    expect(long.length).toBe(150);
    expect(long.endsWith(".pdf")).toBe(true);
    expect(name("/")).toBe("interpretation-ACC-42.pdf");
    expect(name(null)).toBe("interpretation-ACC-42.pdf");
    expect(expectOk(parse({ patient_id: "P", reference_id: "A/B C", report_base64: pdfBase64 })).fileName).toBe(
      "interpretation-A_B_C.pdf",
    );
  });
});
