import { randomBytes } from "node:crypto";
import { PDFDocument } from "pdf-lib";
import { beforeAll } from "vitest";
import { parseDelivery, type DeliveryParseResult } from "./parse";

/** The delivery bodies and PDFs that parseDelivery's tests share. Each test file calls setUpPdfs() once. */

export const encoder = new TextEncoder();
export const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
export const bytes = (text: string) => encoder.encode(text);

export let pdfBytes: Uint8Array;
export let pdfBase64: string;
/** PDFs whose base64 ends in "==" and in "=" (trailing bytes after %%EOF are allowed). */
export let pdfBase64Padded: { two: string; one: string };
export let pngBase64: string;

export const parse = (body: unknown) => parseDelivery(bytes(typeof body === "string" ? body : JSON.stringify(body)));

export function canonical(overrides: Record<string, unknown> = {}, file: Record<string, unknown> = {}) {
  return {
    patient_id: "P-0001",
    reference_id: "ACC-42",
    partner_lab_id: "lab-north",
    file_base64: { mime_type: "application/pdf", content: pdfBase64, file_name: "interpretation.pdf", ...file },
    ...overrides,
  };
}

export function expectOk(result: DeliveryParseResult) {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.reason}`);
  return result.delivery;
}

/** Makes the PDFs (and their Base64) before the calling file's tests run. */
export function setUpPdfs(): void {
  beforeAll(async () => {
    const doc = await PDFDocument.create();
    doc.addPage([300, 300]);
    pdfBytes = await doc.save();
    pdfBase64 = Buffer.from(pdfBytes).toString("base64");
    const withTail = (extra: number) => {
      const tail = Buffer.alloc(extra, 0x0a);
      return Buffer.concat([Buffer.from(pdfBytes), tail]);
    };
    const ofRemainder = (remainder: number) => {
      for (let extra = 0; extra < 3; extra++) {
        const padded = withTail(extra);
        if (padded.length % 3 === remainder) return padded.toString("base64");
      }
      throw new Error("unreachable");
    };
    pdfBase64Padded = { two: ofRemainder(1), one: ofRemainder(2) };
    pngBase64 = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(64),
    ]).toString("base64");
  });
}
