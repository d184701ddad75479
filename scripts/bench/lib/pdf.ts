import { randomBytes } from "node:crypto";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { checkPdf } from "@/lib/pdf/check";

/**
 * A valid PDF of `targetBytes` (to within a few bytes): one page of text and an attached
 * file of random bytes. Random bytes do not compress, so the file keeps its size, and
 * each call's file is distinct.
 */
export async function largeLabResultPdf(targetBytes: number, label?: string): Promise<Uint8Array> {
  // The page, the structure and Deflate's framing add a few KB; a second pass corrects
  // the first one's estimate of that.
  let payload = Math.max(0, targetBytes - 8 * 1024);
  let bytes = await render(payload, label);
  if (bytes.byteLength !== targetBytes) {
    payload = Math.max(0, payload + targetBytes - bytes.byteLength);
    bytes = await render(payload, label);
  }
  const check = checkPdf(bytes, "The generated benchmark PDF");
  if (!check.ok) throw new Error(check.message);
  return bytes;
}

/** `label`: a line of text such as the patient id, which the wrong-patient guard looks for. */
async function render(payloadBytes: number, label?: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle("Upload benchmark lab result");
  doc.setCreator("scripts/bench/upload.ts");
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  page.drawText("Upload benchmark: a lab result with a large attachment", { font, x: 50, y: 750, size: 14 });
  page.drawText(`Generated ${new Date().toISOString()}`, { font, x: 50, y: 725, size: 10 });
  if (label) page.drawText(label, { font, x: 50, y: 700, size: 12 });
  await doc.attach(randomBytes(payloadBytes), "raw-scan.bin", {
    mimeType: "application/octet-stream",
    description: "Random bytes standing in for a scanned lab report",
  });
  return doc.save();
}
