import { createHash, randomUUID } from "node:crypto";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { ExportDocument, ExportLab, ExportLabResult, ExportPatient } from "./fhir";

/** Test data for the export tests: small real PDFs (pdf-lib) and a lab result with its report versions. */

export async function smallPdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText(text, { font, x: 50, y: 750, size: 14 });
  return doc.save();
}

export function exportDocument(bytes: Uint8Array, fileName: string, createdAt = new Date()): ExportDocument {
  return {
    id: randomUUID(),
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    fileName,
    mimeType: "application/pdf",
    createdAt,
  };
}

export const testLab: ExportLab = { id: "0f8d7a52-6c1e-4f11-9d35-3b0a6f0e2c11", name: "Northwind Reference Lab" };

export function testPatient(overrides: Partial<ExportPatient> = {}): ExportPatient {
  return {
    id: "5b0b7f7e-2f7a-4a59-8c43-6f1f5a0f9a01",
    patientId: "P-1001",
    givenName: "Ada",
    familyName: "Lovelace",
    birthDate: "1985-12-10",
    sex: "female",
    ...overrides,
  };
}

/** A lab result with `versions` interpretation report versions (oldest first). */
export async function testLabResult(
  versions: number,
  overrides: Partial<ExportLabResult> = {},
): Promise<ExportLabResult> {
  const created = new Date("2026-03-02T09:15:00Z");
  const reports = [];
  for (let version = 1; version <= versions; version++) {
    const receivedAt = new Date(created.getTime() + version * 3_600_000);
    reports.push({
      id: randomUUID(),
      version,
      receivedAt,
      document: exportDocument(
        await smallPdf(`Interpretation report, version ${version}`),
        `report-v${version}.pdf`,
        receivedAt,
      ),
    });
  }
  return {
    id: randomUUID(),
    accessionNumber: "ACC-2026-0042",
    createdAt: created,
    document: exportDocument(await smallPdf("Complete blood count"), "ACC-2026-0042.pdf", created),
    reports,
    ...overrides,
  };
}
