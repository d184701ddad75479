import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "@/db";
import {
  backdateLabResult,
  createLabResultSubmission,
  listAccessionNumbersInLab,
} from "@/db/queries/lab-result-submissions";
import type { QueryScope } from "@/db/queries/scope";
import { storeDeliveredReport } from "@/db/queries/system/deliveries";
import {
  claimLabResultForSending,
  finishSubmissionAttempt,
  startSubmissionAttempt,
  type AttemptResult,
} from "@/db/queries/system/lab-result-sends";
import { recordAudit } from "@/lib/audit";
import { decideGuard } from "@/lib/guard/rules";
import { demoLabResultPdf, demoReportPdf, type DemoTestRow } from "./pdfs";

/**
 * The embedded default's demo data: a dozen patients and their lab results in every state
 * a lab sees (queued, held by the wrong-patient guard, accepted and waiting, report ready,
 * amended with two versions, failed, rejected), so that each demo role sees a working
 * portal at once. Everything is written through the functions the portal itself uses
 * (an upload's storage, the send's attempts, a delivery's storage), so the rows keep the
 * invariants the portal relies on. Seeding is per lab result, keyed by its accession
 * number in its lab: a second start adds nothing.
 */

export type DemoState =
  "queued" | "needs_confirmation" | "accepted" | "report_ready" | "amended" | "failed" | "rejected";

export type DemoLabResult = {
  lab: "Demo Reference Lab" | "Northside Clinical Lab";
  patient: { patientId: string; givenName: string; familyName: string; birthDate: string; sex: "female" | "male" };
  accession: string;
  panel: string;
  mode: "interpret" | "store_only";
  state: DemoState;
  /** How long ago it was uploaded, in hours (for a dashboard that looks lived in). */
  ageHours: number;
  rows: readonly DemoTestRow[];
  /** The lab's own flag on the result (normal / abnormal / critical). */
  flag: "normal" | "abnormal" | "critical";
  /** The patient id printed on the sheet, when it is another patient's (the guard's held upload). */
  sheetNamesPatientId?: string;
  notes?: string;
};

const CBC: DemoTestRow[] = [
  { test: "Haemoglobin", value: "13.9", unit: "g/dL", range: "12.0-16.0" },
  { test: "White cell count", value: "6.8", unit: "10^9/L", range: "4.0-11.0" },
  { test: "Platelets", value: "254", unit: "10^9/L", range: "150-400" },
  { test: "Haematocrit", value: "41", unit: "%", range: "36-46" },
];
const CBC_LOW: DemoTestRow[] = [
  { test: "Haemoglobin", value: "9.8", unit: "g/dL", range: "13.0-17.0", flag: "L" },
  { test: "MCV", value: "71", unit: "fL", range: "80-100", flag: "L" },
  { test: "Ferritin", value: "6", unit: "ug/L", range: "30-400", flag: "L" },
  { test: "Platelets", value: "310", unit: "10^9/L", range: "150-400" },
];
const LIPIDS: DemoTestRow[] = [
  { test: "Total cholesterol", value: "6.4", unit: "mmol/L", range: "< 5.0", flag: "H" },
  { test: "LDL cholesterol", value: "4.3", unit: "mmol/L", range: "< 3.0", flag: "H" },
  { test: "HDL cholesterol", value: "1.2", unit: "mmol/L", range: "> 1.0" },
  { test: "Triglycerides", value: "1.9", unit: "mmol/L", range: "< 1.7", flag: "H" },
];
const THYROID: DemoTestRow[] = [
  { test: "TSH", value: "2.1", unit: "mU/L", range: "0.4-4.0" },
  { test: "Free T4", value: "15", unit: "pmol/L", range: "12-22" },
];
const METABOLIC: DemoTestRow[] = [
  { test: "Sodium", value: "139", unit: "mmol/L", range: "135-145" },
  { test: "Potassium", value: "6.4", unit: "mmol/L", range: "3.5-5.1", flag: "HH" },
  { test: "Creatinine", value: "182", unit: "umol/L", range: "60-110", flag: "H" },
  { test: "Glucose", value: "5.6", unit: "mmol/L", range: "3.9-7.8" },
];
const HBA1C: DemoTestRow[] = [
  { test: "HbA1c", value: "58", unit: "mmol/mol", range: "20-42", flag: "H" },
  { test: "Fasting glucose", value: "8.1", unit: "mmol/L", range: "3.9-5.5", flag: "H" },
];
const LIVER: DemoTestRow[] = [
  { test: "ALT", value: "28", unit: "U/L", range: "< 45" },
  { test: "AST", value: "24", unit: "U/L", range: "< 40" },
  { test: "Bilirubin", value: "11", unit: "umol/L", range: "< 21" },
];

/** The demo lab results, one per patient but one patient with two (the amended one and a new one). */
export const demoLabResults: readonly DemoLabResult[] = [
  {
    lab: "Demo Reference Lab",
    patient: {
      patientId: "DEMO-1001",
      givenName: "Amelia",
      familyName: "Brooks",
      birthDate: "1984-03-12",
      sex: "female",
    },
    accession: "DEMO-ACC-1001",
    panel: "Complete blood count",
    mode: "interpret",
    state: "report_ready",
    ageHours: 70,
    rows: CBC,
    flag: "normal",
  },
  {
    lab: "Demo Reference Lab",
    patient: { patientId: "DEMO-1002", givenName: "Jonas", familyName: "Weber", birthDate: "1969-11-02", sex: "male" },
    accession: "DEMO-ACC-1002",
    panel: "Lipid panel",
    mode: "interpret",
    state: "report_ready",
    ageHours: 50,
    rows: LIPIDS,
    flag: "abnormal",
  },
  {
    lab: "Demo Reference Lab",
    patient: { patientId: "DEMO-1003", givenName: "Priya", familyName: "Nair", birthDate: "1991-07-23", sex: "female" },
    accession: "DEMO-ACC-1003",
    panel: "Thyroid function",
    mode: "interpret",
    state: "report_ready",
    ageHours: 30,
    rows: THYROID,
    flag: "normal",
  },
  {
    lab: "Demo Reference Lab",
    patient: { patientId: "DEMO-1004", givenName: "Lucas", familyName: "Moreau", birthDate: "1957-01-30", sex: "male" },
    accession: "DEMO-ACC-1004",
    panel: "Renal and electrolytes",
    mode: "interpret",
    state: "amended",
    ageHours: 96,
    rows: METABOLIC,
    flag: "critical",
  },
  {
    lab: "Demo Reference Lab",
    patient: {
      patientId: "DEMO-1005",
      givenName: "Sofia",
      familyName: "Rossi",
      birthDate: "1978-05-17",
      sex: "female",
    },
    accession: "DEMO-ACC-1005",
    panel: "HbA1c and glucose",
    mode: "interpret",
    state: "accepted",
    ageHours: 5,
    rows: HBA1C,
    flag: "abnormal",
  },
  {
    lab: "Demo Reference Lab",
    patient: { patientId: "DEMO-1006", givenName: "Ethan", familyName: "Clarke", birthDate: "2001-09-08", sex: "male" },
    accession: "DEMO-ACC-1006",
    panel: "Liver function",
    mode: "interpret",
    state: "accepted",
    // Longer than the lab's turnaround (48 hours): the dashboard lists it as waiting too long.
    ageHours: 60,
    rows: LIVER,
    flag: "normal",
  },
  {
    lab: "Demo Reference Lab",
    patient: { patientId: "DEMO-1007", givenName: "Hana", familyName: "Sato", birthDate: "1988-12-01", sex: "female" },
    accession: "DEMO-ACC-1007",
    panel: "Complete blood count",
    mode: "store_only",
    state: "accepted",
    ageHours: 26,
    rows: CBC,
    flag: "normal",
    notes: "Stored only: routine follow-up.",
  },
  {
    lab: "Demo Reference Lab",
    patient: { patientId: "DEMO-1008", givenName: "Mateo", familyName: "Silva", birthDate: "1973-04-14", sex: "male" },
    accession: "DEMO-ACC-1008",
    panel: "Thyroid function",
    mode: "interpret",
    state: "queued",
    ageHours: 0,
    rows: THYROID,
    flag: "normal",
  },
  {
    lab: "Demo Reference Lab",
    patient: { patientId: "DEMO-1010", givenName: "Noah", familyName: "Fischer", birthDate: "1962-08-27", sex: "male" },
    accession: "DEMO-ACC-1010",
    panel: "Complete blood count",
    mode: "interpret",
    state: "failed",
    ageHours: 20,
    rows: CBC_LOW,
    flag: "abnormal",
  },
  {
    lab: "Demo Reference Lab",
    patient: {
      patientId: "DEMO-1009",
      givenName: "Olivia",
      familyName: "Novak",
      birthDate: "1995-02-19",
      sex: "female",
    },
    accession: "DEMO-ACC-1009",
    panel: "Complete blood count",
    mode: "interpret",
    state: "needs_confirmation",
    ageHours: 1,
    rows: CBC_LOW,
    flag: "abnormal",
    // Olivia's sheet labels Noah Fischer's patient id (a mix-up at the bench): the guard holds it.
    sheetNamesPatientId: "DEMO-1010",
  },
  {
    lab: "Demo Reference Lab",
    patient: { patientId: "DEMO-1011", givenName: "Lea", familyName: "Dubois", birthDate: "1999-10-05", sex: "female" },
    accession: "DEMO-ACC-1011",
    panel: "Lipid panel",
    mode: "interpret",
    state: "rejected",
    ageHours: 44,
    rows: LIPIDS,
    flag: "abnormal",
  },
  {
    lab: "Demo Reference Lab",
    patient: {
      patientId: "DEMO-1012",
      givenName: "Samuel",
      familyName: "Okafor",
      birthDate: "1950-06-11",
      sex: "male",
    },
    accession: "DEMO-ACC-1012",
    panel: "Renal and electrolytes",
    mode: "interpret",
    state: "report_ready",
    ageHours: 8,
    rows: METABOLIC,
    flag: "critical",
  },
  {
    lab: "Demo Reference Lab",
    patient: { patientId: "DEMO-1004", givenName: "Lucas", familyName: "Moreau", birthDate: "1957-01-30", sex: "male" },
    accession: "DEMO-ACC-1013",
    panel: "Renal and electrolytes (repeat)",
    mode: "interpret",
    state: "accepted",
    ageHours: 2,
    rows: METABOLIC,
    flag: "critical",
  },
  {
    lab: "Northside Clinical Lab",
    patient: { patientId: "NS-2001", givenName: "Ines", familyName: "Costa", birthDate: "1986-03-03", sex: "female" },
    accession: "NS-ACC-2001",
    panel: "Complete blood count",
    mode: "interpret",
    state: "report_ready",
    ageHours: 28,
    rows: CBC,
    flag: "normal",
  },
];

const findings: Record<string, string[]> = {
  normal: ["All values are within their reference ranges.", "No follow-up is suggested by these results."],
  abnormal: [
    "Some values lie outside their reference ranges (flagged H / L).",
    "Suggest a repeat test and a review with the treating physician.",
  ],
  critical: [
    "Potassium is critically high (6.4 mmol/L): urgent clinical review is advised.",
    "Raised creatinine suggests reduced kidney function.",
  ],
};

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Whom the demo data is uploaded by, per lab: a member of that lab (the demo technician or admin). */
export type DemoUploaders = Record<DemoLabResult["lab"], { userId: string; labId: string; partnerLabId: string }>;

/** Moves one send of the lab result through the send's own steps (claim, attempt, outcome). */
async function recordSend(db: Db, labResultId: string, result: AttemptResult): Promise<void> {
  const claimed = await claimLabResultForSending(db, labResultId, 60);
  if (!claimed) throw new Error("demo data: a lab result to send could not be claimed");
  await db.transaction(async (tx) => {
    const attempt = await startSubmissionAttempt(tx, labResultId);
    await finishSubmissionAttempt(tx, labResultId, attempt.id, result);
  });
}

const ACCEPTED: AttemptResult = { state: "accepted", httpStatus: 201, message: "Accepted for interpretation." };

/** Stores one delivered report of the lab result as the delivery route does. */
async function deliverReport(db: Db, item: DemoLabResult, partnerLabId: string, version: number): Promise<void> {
  const pdf = await demoReportPdf({
    patient: item.patient,
    accession: item.accession,
    panel: item.panel,
    version,
    findings: version === 1 && item.state === "amended" ? findings.abnormal! : findings[item.flag]!,
    ...(version > 1
      ? { amendment: "The potassium result was confirmed on a repeat sample; the interpretation is revised." }
      : {}),
  });
  const digest = sha256(pdf);
  await storeDeliveredReport(
    db,
    {
      patientId: item.patient.patientId,
      referenceId: item.accession,
      partnerLabId,
      fileName: `interpretation-${item.accession}${version > 1 ? `-v${version}` : ""}.pdf`,
      pdf,
      sha256: digest,
      metadata: {},
    },
    {
      webhookId: null,
      remoteIp: "127.0.0.1",
      bodyBytes: pdf.byteLength,
      idempotencyKey: (labKey) => `demo:${labKey}:${item.accession}:${digest}`,
    },
  );
}

/**
 * Seeds the demo lab results that are not there yet (by accession number, per lab).
 * Returns how many it added.
 */
export async function seedDemoData(db: Db, uploaders: DemoUploaders, now = new Date()): Promise<number> {
  let added = 0;
  const existing = new Map<string, Set<string>>();
  const scopes = new Map<string, QueryScope>();
  for (const [lab, uploader] of Object.entries(uploaders)) {
    const scope: QueryScope = {
      userId: uploader.userId,
      role: "technician",
      labIds: [uploader.labId],
      labId: uploader.labId,
    };
    scopes.set(lab, scope);
    const accessions = demoLabResults.filter((r) => r.lab === lab).map((r) => r.accession);
    existing.set(lab, new Set(await listAccessionNumbersInLab(db, scope, accessions)));
  }
  for (const item of demoLabResults) {
    const uploader = uploaders[item.lab];
    if (existing.get(item.lab)?.has(item.accession)) continue;
    const namedId = item.sheetNamesPatientId ?? item.patient.patientId;
    const bytes = await demoLabResultPdf({
      labName: item.lab,
      panel: item.panel,
      patient: item.patient,
      namedPatientId: namedId,
      accession: item.accession,
      accessionPrinted: item.sheetNamesPatientId === undefined,
      collected: new Date(now.getTime() - (item.ageHours + 2) * 3_600_000).toISOString().slice(0, 10),
      rows: item.rows,
    });
    // The guard's own rules, on the text this sheet carries (what reading it would find).
    const guard = decideGuard({
      enabled: true,
      text: {
        kind: "text",
        text: [
          `Patient: ${item.patient.familyName}, ${item.patient.givenName}`,
          `Patient ID: ${namedId}`,
          `Date of birth: ${item.patient.birthDate}`,
          item.sheetNamesPatientId === undefined ? `Accession: ${item.accession}` : "",
        ].join("\n"),
        pagesRead: 1,
        pageCount: 1,
        truncated: false,
      },
      patientId: item.patient.patientId,
      familyName: item.patient.familyName,
      birthDate: item.patient.birthDate,
      accessionNumber: item.accession,
      ...(item.sheetNamesPatientId ? { otherPatientIds: [item.sheetNamesPatientId] } : {}),
    });
    const { labResultId } = await createLabResultSubmission(
      db,
      {
        labId: uploader.labId,
        userId: uploader.userId,
        patient: { kind: "new", ...item.patient },
        accessionNumber: item.accession,
        mode: item.mode,
        ...(item.notes ? { notes: item.notes } : {}),
        flag: item.flag,
        // The demo doctor ordered the Demo Reference Lab's tests: their reports land in
        // that doctor's inbox (the physician's e-mail matches a doctor of the lab).
        ...(item.lab === "Demo Reference Lab" ? { physicianEmail: "doctor@demo.lab" } : {}),
        file: { bytes, sha256: sha256(bytes), fileName: `${item.accession.toLowerCase()}.pdf` },
      },
      async (tx, id) => {
        await recordAudit(tx, {
          action: "lab_result.upload",
          outcome: "allowed",
          userId: uploader.userId,
          labId: uploader.labId,
          labResultId: id,
          details: { accessionNumber: item.accession, mode: item.mode, sizeBytes: bytes.byteLength, demo: true },
        });
        if (guard.outcome === "needs_confirmation") {
          await recordAudit(tx, {
            action: "lab_result.guard_hold",
            outcome: "allowed",
            userId: uploader.userId,
            labId: uploader.labId,
            labResultId: id,
            details: { reason: guard.reason },
          });
        }
      },
      guard,
    );
    await backdateLabResult(
      db,
      scopes.get(item.lab)!,
      labResultId,
      new Date(now.getTime() - item.ageHours * 3_600_000),
    );
    switch (item.state) {
      case "accepted":
        await recordSend(db, labResultId, ACCEPTED);
        break;
      case "report_ready":
        await recordSend(db, labResultId, ACCEPTED);
        await deliverReport(db, item, uploader.partnerLabId, 1);
        break;
      case "amended":
        await recordSend(db, labResultId, ACCEPTED);
        await deliverReport(db, item, uploader.partnerLabId, 1);
        await deliverReport(db, item, uploader.partnerLabId, 2);
        break;
      case "failed":
        for (let attempt = 1; attempt < 3; attempt++) {
          await recordSend(db, labResultId, {
            state: "retrying",
            httpStatus: 503,
            message: "Docus is unavailable (HTTP 503).",
            nextAttemptAt: new Date(),
          });
        }
        await recordSend(db, labResultId, {
          state: "failed",
          httpStatus: 503,
          message: "Docus is unavailable (HTTP 503). Gave up after 3 attempts.",
        });
        break;
      case "rejected":
        await recordSend(db, labResultId, {
          state: "rejected",
          httpStatus: 422,
          message: "Docus refused the file: the date of birth does not match the patient on record.",
        });
        break;
      case "queued":
      case "needs_confirmation":
        // Queued: the send worker's sweep sends it once the portal runs (a living demo).
        // Held: waits for a person to confirm or remove it.
        break;
    }
    added++;
  }
  return added;
}
