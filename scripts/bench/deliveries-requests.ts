import { randomBytes } from "node:crypto";
import { PDFDict, PDFDocument, PDFName, PDFString, StandardFonts } from "pdf-lib";
import { signWebhook } from "@/lib/docus";
import { checkPdf } from "@/lib/pdf/check";

/**
 * The delivery benchmark's requests: one ~200 KB report PDF and a delivery body built
 * from it once, then patched in place for every request so that each one is a distinct
 * report (its own reference_id, patient_id and PDF bytes, hence SHA-256) without
 * re-encoding 270 KB of Base64 per request.
 */

/** Length of the per-request id written into the body: a letter, a 6-character run tag, 9 digits. */
const ID_LENGTH = 16;
const ID_SLOT = "~".repeat(ID_LENGTH);
/** The bytes of the PDF that change per request: "VARIANT-" and the id. */
const VARIANT_PREFIX = "VARIANT-";
const VARIANT_LENGTH = VARIANT_PREFIX.length + ID_LENGTH;
/** A literal string in the PDF's Info dictionary, long enough to hold a 3-byte-aligned variant. */
const VARIANT_SLOT = "0".repeat(VARIANT_LENGTH + 6);

export type VariantPdf = {
  bytes: Uint8Array;
  /** Where the per-request variant bytes go: a multiple of 3, so they map to whole Base64 groups. */
  variantOffset: number;
};

/**
 * A valid PDF of about `targetBytes`: one page of text, an attached file of random bytes
 * (PDFs are mostly compressed streams, so they hardly compress again in the database),
 * and an uncompressed Info entry whose bytes each request replaces.
 */
export async function variantReportPdf(targetBytes: number): Promise<VariantPdf> {
  let payload = Math.max(0, targetBytes - 4 * 1024);
  let bytes = await renderPdf(payload);
  if (bytes.byteLength !== targetBytes) {
    payload = Math.max(0, payload + targetBytes - bytes.byteLength);
    bytes = await renderPdf(payload);
  }
  const check = checkPdf(bytes, "The generated benchmark report");
  if (!check.ok) throw new Error(check.message);
  const slot = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(`(${VARIANT_SLOT})`, 0, "latin1");
  if (slot < 0) throw new Error("The generated benchmark report has no variant slot.");
  const start = slot + 1;
  return { bytes, variantOffset: start + ((3 - (start % 3)) % 3) };
}

async function renderPdf(payloadBytes: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle("Delivery benchmark interpretation report");
  doc.setCreator("scripts/bench/deliveries.ts");
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  info.set(PDFName.of("BenchVariant"), PDFString.of(VARIANT_SLOT));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  page.drawText("Interpretation report (delivery benchmark)", { font, x: 50, y: 750, size: 14 });
  page.drawText("Findings: within reference ranges.", { font, x: 50, y: 725, size: 11 });
  await doc.attach(randomBytes(payloadBytes), "source-scan.bin", {
    mimeType: "application/octet-stream",
    description: "Random bytes standing in for the report's scanned content",
  });
  // Without object streams the Info dictionary is written as plain text, so its string
  // can be patched without touching any compressed stream or the cross-reference table.
  return doc.save({ useObjectStreams: false });
}

export type DeliveryCredentials = { header: string; sharedSecret: string; webhookSecret: string };

export type SignedDelivery = {
  referenceId: string;
  /** The request body. It is overwritten by the next call of next(): copy it to keep it. */
  body: Buffer;
  headers: Record<string, string>;
};

/**
 * Distinct, signed deliveries for one target. The letter keeps the ids of the targets
 * apart; the run tag keeps runs apart.
 */
export class DeliveryFactory {
  private readonly body: Buffer;
  private readonly referenceAt: number;
  private readonly patientAt: number;
  private readonly variantAt: number;
  private sequence = 0;

  constructor(
    pdf: VariantPdf,
    private readonly letter: string,
    private readonly runTag: string,
    private readonly credentials: DeliveryCredentials,
    partnerLabId: string,
  ) {
    if (letter.length !== 1 || runTag.length !== 6)
      throw new Error("The delivery id needs a 1-letter target and a 6-character run tag.");
    const content = Buffer.from(pdf.bytes.buffer, pdf.bytes.byteOffset, pdf.bytes.byteLength).toString("base64");
    const json = JSON.stringify({
      patient_id: `PAT-${ID_SLOT}`,
      reference_id: `BENCH-${ID_SLOT}`,
      partner_lab_id: partnerLabId,
      file_base64: { mime_type: "application/pdf", content, file_name: "interpretation.pdf" },
    });
    this.body = Buffer.from(json, "utf8");
    this.patientAt = this.body.indexOf(`"PAT-${ID_SLOT}"`) + '"PAT-'.length;
    this.referenceAt = this.body.indexOf(`"BENCH-${ID_SLOT}"`) + '"BENCH-'.length;
    const contentAt = this.body.indexOf(`"content":"`) + '"content":"'.length;
    this.variantAt = contentAt + (pdf.variantOffset / 3) * 4;
  }

  /** How many deliveries this factory has made. */
  get issued(): number {
    return this.sequence;
  }

  get bodyBytes(): number {
    return this.body.byteLength;
  }

  next(): SignedDelivery {
    this.sequence += 1;
    const id = `${this.letter}${this.runTag}${String(this.sequence).padStart(ID_LENGTH - 7, "0")}`;
    this.body.write(id, this.patientAt, "latin1");
    this.body.write(id, this.referenceAt, "latin1");
    this.body.write(Buffer.from(`${VARIANT_PREFIX}${id}`, "latin1").toString("base64"), this.variantAt, "latin1");
    const webhookId = `msg_${id}`;
    const timestamp = Math.floor(Date.now() / 1000);
    return {
      referenceId: `BENCH-${id}`,
      body: this.body,
      headers: {
        "content-type": "application/json",
        [this.credentials.header]: this.credentials.sharedSecret,
        "webhook-id": webhookId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook(this.credentials.webhookSecret, webhookId, timestamp, this.body),
      },
    };
  }
}

/** A 6-character tag that keeps the ids of one run apart from another's. */
export function newRunTag(): string {
  return randomBytes(3).toString("hex");
}

export const variantText = (referenceId: string): string => `${VARIANT_PREFIX}${referenceId.replace(/^BENCH-/, "")}`;
