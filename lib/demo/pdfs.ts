import "server-only";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "pdf-lib";

/**
 * The demo data's PDFs (lib/demo/data.ts): a lab's result sheet and a simulated
 * interpretation report, each naming its patient, made with pdf-lib. Only the embedded
 * default's seeding loads this module (pdf-lib is not needed by any request).
 */

export type DemoTestRow = { test: string; value: string; unit: string; range: string; flag?: "H" | "L" | "HH" | "LL" };

export type DemoPdfPatient = {
  /** Printed as "Patient ID: …"; omitted for a sheet that does not name its patient's id. */
  patientId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
};

const FIXED_DATE = new Date("2026-01-01T00:00:00Z");

type Writer = { page: PDFPage; font: PDFFont; bold: PDFFont; y: number };

function line(w: Writer, text: string, { size = 10, bold = false, x = 56, gap = 4 } = {}) {
  w.page.drawText(text, { x, y: w.y, size, font: bold ? w.bold : w.font, color: rgb(0.1, 0.1, 0.12) });
  w.y -= size + gap;
}

async function newDocument(title: string): Promise<{ doc: PDFDocument; w: Writer }> {
  const doc = await PDFDocument.create();
  // Fixed metadata: the same sheet gives the same bytes (and SHA-256) on every start.
  doc.setTitle(title);
  doc.setProducer("Lab Results Portal demo data");
  doc.setCreator("Lab Results Portal demo data");
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const page = doc.addPage([595, 842]);
  const w = {
    page,
    font: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    y: 780,
  };
  return { doc, w };
}

function rule(w: Writer) {
  w.page.drawLine({
    start: { x: 56, y: w.y + 6 },
    end: { x: 539, y: w.y + 6 },
    thickness: 0.5,
    color: rgb(0.6, 0.6, 0.65),
  });
  w.y -= 8;
}

/** The patient block both kinds of PDF start with. `patientIdLabel` null: the id is not printed. */
function patientBlock(w: Writer, patient: DemoPdfPatient, accession: string | null, patientIdLabel: string | null) {
  line(w, `Patient: ${patient.familyName}, ${patient.givenName}`, { bold: true, size: 11 });
  if (patientIdLabel !== null) line(w, `Patient ID: ${patientIdLabel}`);
  line(w, `Date of birth: ${patient.birthDate}`);
  if (accession !== null) line(w, `Accession: ${accession}`);
}

/**
 * A lab's result sheet: the lab's name, the patient, the accession and a table of tests.
 * `namedPatientId`: the id printed on it (normally the patient's own; another patient's
 * for the demo's wrong-patient upload); `accessionPrinted` false leaves the accession out.
 */
export async function demoLabResultPdf(input: {
  labName: string;
  panel: string;
  patient: DemoPdfPatient;
  namedPatientId: string;
  accession: string;
  accessionPrinted: boolean;
  collected: string;
  rows: readonly DemoTestRow[];
}): Promise<Uint8Array> {
  const { doc, w } = await newDocument(`${input.panel} - ${input.patient.familyName}`);
  line(w, input.labName, { bold: true, size: 16, gap: 6 });
  line(w, "Laboratory report (demo data, not a real patient)", { size: 9, gap: 12 });
  patientBlock(w, { ...input.patient }, input.accessionPrinted ? input.accession : null, input.namedPatientId);
  line(w, `Collected: ${input.collected}`, { gap: 14 });
  line(w, input.panel, { bold: true, size: 12, gap: 8 });
  const columns = [56, 250, 330, 400, 500];
  const header = ["Test", "Result", "Unit", "Reference", "Flag"];
  header.forEach((text, i) => w.page.drawText(text, { x: columns[i]!, y: w.y, size: 9, font: w.bold }));
  w.y -= 12;
  rule(w);
  for (const row of input.rows) {
    [row.test, row.value, row.unit, row.range, row.flag ?? ""].forEach((text, i) =>
      w.page.drawText(text, { x: columns[i]!, y: w.y, size: 9, font: i === 4 && text ? w.bold : w.font }),
    );
    w.y -= 14;
  }
  w.y -= 10;
  line(w, "Flags: H high, L low, HH / LL critical. Validated by the laboratory.", { size: 8 });
  return doc.save();
}

/** A simulated interpretation report of one lab result (version 2 and later say what was amended). */
export async function demoReportPdf(input: {
  patient: DemoPdfPatient;
  accession: string;
  panel: string;
  version: number;
  findings: readonly string[];
  amendment?: string;
}): Promise<Uint8Array> {
  const { doc, w } = await newDocument(`Interpretation ${input.accession} v${input.version}`);
  line(w, "Interpretation report", { bold: true, size: 16, gap: 6 });
  line(w, "Simulated Docus interpretation (demo data, not for clinical use)", { size: 9, gap: 12 });
  patientBlock(w, input.patient, input.accession, input.patient.patientId);
  line(w, `Panel: ${input.panel}`);
  line(w, `Version: ${input.version}${input.version > 1 ? " (amended)" : ""}`, { gap: 14 });
  if (input.amendment) {
    line(w, "Amendment", { bold: true, size: 12, gap: 6 });
    line(w, input.amendment, { gap: 12 });
  }
  line(w, "Findings", { bold: true, size: 12, gap: 6 });
  for (const finding of input.findings) line(w, `- ${finding}`);
  w.y -= 8;
  line(w, "This interpretation supports, and does not replace, the judgement of the treating physician.", {
    size: 8,
  });
  return doc.save();
}
