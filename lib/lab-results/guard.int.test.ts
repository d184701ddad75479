import { and, eq, sql } from "drizzle-orm";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFlaggedReports } from "@/db/queries/guard";
import { cancelLabResult, type SubmissionInput } from "@/db/queries/lab-result-submissions";
import { scopeOf } from "@/db/queries/scope";
import { createLab } from "@/db/queries/labs";
import { storeDeliveredReport } from "@/db/queries/system/deliveries";
import { createUser } from "@/db/queries/users";
import { auditEvents, interpretationReports, labResults, labs } from "@/db/schema";
import { REPORT_TEXT_CHECK_QUEUE, SUBMIT_QUEUE, createBoss } from "@/lib/jobs/boss";
import { runSubmitJob, sendLabResult, sweepLabResults } from "@/lib/send";
import { sha256Hex } from "@/lib/crypto";
import { greyPng } from "@/lib/testing/png";
import { newPatientSubmission } from "@/lib/testing/submission-input";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { checkDeliveredReport, runDeliveredReportCheck, startReportTextCheckWorker } from "@/lib/reports/text-check";
import { confirmHeldLabResultSend, queueLabResult, removeHeldLabResultUpload } from "./submission";

/** The wrong-patient guard against a real database and a real pg-boss. */

let t: TestDb;
let boss: PgBoss;
let labId: string;
let offLabId: string;
type Tech = { id: string; name: string; role: "technician"; labIds: string[]; currentLab: { id: string } };
let tech: Tech;
let otherLabTech: Tech;

async function textPdf(...lines: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  lines.forEach((line, i) => page.drawText(line, { font, x: 50, y: 750 - i * 20, size: 12 }));
  return doc.save();
}

async function scanPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawImage(await doc.embedPng(greyPng()), { x: 50, y: 400, width: 300, height: 150 });
  return doc.save();
}

let counter = 0;
function upload(pdf: Uint8Array, overrides: Partial<SubmissionInput> & { patientId?: string } = {}): SubmissionInput {
  counter++;
  const { patientId, ...rest } = overrides;
  return newPatientSubmission(
    { labId, userId: tech.id, patientId: patientId ?? `P-${counter}00`, sequence: counter },
    pdf,
    rest,
  );
}

async function row(id: string) {
  const [found] = await t.db.select().from(labResults).where(eq(labResults.id, id));
  return found!;
}

async function jobsFor(id: string): Promise<number> {
  const rows = await t.db.execute<{ n: number }>(
    sql`select count(*)::int as n from pgboss.job where name = ${SUBMIT_QUEUE} and data->>'labResultId' = ${id}`,
  );
  const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: Array<{ n: number }> }).rows;
  return Number(list[0]?.n ?? 0);
}

async function events(action: string, labResultId: string) {
  return t.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.labResultId, labResultId)));
}

const deps = () => ({ db: t.db, boss });

beforeAll(async () => {
  t = await createTestDb();
  boss = await createBoss(t.bossTarget);
  labId = (await createLab(t.db, { name: "Guard Lab", partnerLabId: "guard-lab" })).id;
  offLabId = (await createLab(t.db, { name: "Unguarded Lab", partnerLabId: "unguarded-lab" })).id;
  await t.db.update(labs).set({ wrongPatientGuard: false }).where(eq(labs.id, offLabId));
  const make = async (email: string, name: string, labIds: string[]) => ({
    id: (await createUser(t.db, { email, name, passwordHash: "x", role: "technician", labIds })).id,
    name,
    role: "technician" as const,
    labIds,
    currentLab: { id: labIds[0]! },
  });
  tech = await make("tina@guard.test", "Tina Technician", [labId]);
  otherLabTech = await make("olly@guard.test", "Olly Other", [offLabId]);
  // A patient the lab already has, whom the wrong file names.
  await queueLabResult(upload(await textPdf("Patient ID: P-OTHER-7"), { patientId: "P-OTHER-7" }), undefined, deps());
}, 120_000);

afterAll(async () => {
  await boss?.stop({ graceful: false });
  await t?.close();
});

describe("an upload whose text labels another patient's id", () => {
  it("is held: needs_confirmation with the reason, no job, and neither the sweep nor a stray job sends it", async () => {
    const pdf = await textPdf("Complete blood count", "Patient ID: P-OTHER-7", "Haemoglobin 13.5 g/dL");
    const queued = await queueLabResult(upload(pdf, { patientId: "P-HELD-1" }), undefined, deps());
    expect(queued.status).toBe("needs_confirmation");
    const held = await row(queued.labResultId);
    expect(held).toMatchObject({ status: "needs_confirmation", guardOutcome: "needs_confirmation", attempts: 0 });
    expect(held.guardReason).toContain("labels patient id P-OTHER-7, but this file is for patient id P-HELD-1.");
    expect(held.guardReason).toContain("It names patient id P-OTHER-7 of another patient of this lab.");
    expect(await jobsFor(queued.labResultId)).toBe(0);
    expect(await events("lab_result.guard_hold", queued.labResultId)).toHaveLength(1);

    await sweepLabResults(deps());
    expect(await jobsFor(queued.labResultId)).toBe(0);
    // A job for it anyway (a bug elsewhere, an old job) finds nothing to send and enqueues no successor.
    expect(await sendLabResult(queued.labResultId, { ...deps(), credentials: null, limiter: null })).toBe("skipped");
    await runSubmitJob(queued.labResultId, { ...deps(), credentials: null, limiter: null });
    expect(await jobsFor(queued.labResultId)).toBe(0);
    expect(await row(queued.labResultId)).toMatchObject({ status: "needs_confirmation", attempts: 0 });
  });

  it("is queued with its job once a person confirms it, and the audit event names them", async () => {
    const pdf = await textPdf("Lipid panel for someone else");
    const { labResultId } = await queueLabResult(upload(pdf), undefined, deps());
    // Not by a technician of another lab.
    expect(await confirmHeldLabResultSend(otherLabTech, labResultId, deps())).toBe(false);
    expect(await confirmHeldLabResultSend(tech, labResultId, deps())).toBe(true);
    const confirmed = await row(labResultId);
    expect(confirmed).toMatchObject({ status: "queued", guardConfirmedById: tech.id });
    expect(confirmed.guardConfirmedAt).toBeInstanceOf(Date);
    expect(await jobsFor(labResultId)).toBe(1);
    const [event] = await events("lab_result.guard_confirm", labResultId);
    expect(event).toMatchObject({ userId: tech.id, labId, details: { confirmedBy: "Tina Technician" } });
    // Only once.
    expect(await confirmHeldLabResultSend(tech, labResultId, deps())).toBe(false);
    expect(await jobsFor(labResultId)).toBe(1);
  });

  it("is cancelled, never sent, when a person removes it (audited)", async () => {
    const { labResultId } = await queueLabResult(upload(await textPdf("Thyroid panel")), undefined, deps());
    expect(await removeHeldLabResultUpload(otherLabTech, labResultId, deps())).toBe(false);
    expect(await removeHeldLabResultUpload(tech, labResultId, deps())).toBe(true);
    expect(await row(labResultId)).toMatchObject({ status: "cancelled" });
    expect(await jobsFor(labResultId)).toBe(0);
    expect(await events("lab_result.guard_remove", labResultId)).toHaveLength(1);
    expect(await sendLabResult(labResultId, { ...deps(), credentials: null, limiter: null })).toBe("skipped");
    expect(await confirmHeldLabResultSend(tech, labResultId, deps())).toBe(false);
  });

  it("can also be cancelled like any unsent lab result", async () => {
    const { labResultId } = await queueLabResult(upload(await textPdf("Ferritin")), undefined, deps());
    expect(await cancelLabResult(t.db, scopeOf(tech), labResultId)).toBe(labId);
    expect(await row(labResultId)).toMatchObject({ status: "cancelled" });
  });
});

describe("uploads that go at once", () => {
  it("a text naming the patient id (other case, spaces) is matched and queued with its job; the accession alone is held", async () => {
    const byPatient = await queueLabResult(
      upload(await textPdf("Patient: p match 42"), { patientId: "P-MATCH-42" }),
      undefined,
      deps(),
    );
    const n = counter + 1;
    const byAccession = await queueLabResult(upload(await textPdf(`Accession acc ${n}`)), undefined, deps());
    expect(byAccession.status).toBe("needs_confirmation");
    for (const { labResultId, status } of [byPatient]) {
      expect(status).toBe("queued");
      expect(await row(labResultId)).toMatchObject({ status: "queued", guardOutcome: "matched", guardReason: null });
      expect(await jobsFor(labResultId)).toBe(1);
    }
  });

  it("an image-only PDF (a scan) is not checked and queued", async () => {
    const { labResultId, status } = await queueLabResult(upload(await scanPdf()), undefined, deps());
    expect(status).toBe("queued");
    expect(await row(labResultId)).toMatchObject({ status: "queued", guardOutcome: "not_checked" });
    expect((await row(labResultId)).guardReason).toMatch(/no text/);
    expect(await jobsFor(labResultId)).toBe(1);
  });

  it("a lab with the guard off sends without reading the text", async () => {
    const { labResultId, status } = await queueLabResult(
      upload(await textPdf("Nothing about this patient"), { labId: offLabId, userId: otherLabTech.id }),
      undefined,
      deps(),
    );
    expect(status).toBe("queued");
    expect(await row(labResultId)).toMatchObject({ status: "queued", guardOutcome: "off" });
    expect(await jobsFor(labResultId)).toBe(1);
  });
});

describe("delivered reports", () => {
  let n = 0;
  async function deliver(patientId: string, referenceId: string, pdf: Uint8Array) {
    n++;
    const stored = await storeDeliveredReport(
      t.db,
      {
        patientId,
        referenceId,
        partnerLabId: "guard-lab",
        fileName: `report-${n}.pdf`,
        pdf,
        sha256: sha256Hex(pdf),
        metadata: {},
      },
      { webhookId: null, remoteIp: "127.0.0.1", bodyBytes: pdf.byteLength, idempotencyKey: () => `guard-test-${n}` },
    );
    await checkDeliveredReport(t.db, stored.reportId);
    const [report] = await t.db
      .select()
      .from(interpretationReports)
      .where(eq(interpretationReports.id, stored.reportId));
    return report!;
  }

  it("flags a report whose 'Patient ID:' label names another id, and one naming another patient of the lab", async () => {
    const { labResultId } = await queueLabResult(
      upload(await textPdf("Patient ID: P-DELIV-1"), { patientId: "P-DELIV-1" }),
      undefined,
      deps(),
    );
    const accession = (await row(labResultId)).accessionNumber;
    const labelled = await deliver("P-DELIV-1", accession, await textPdf("Interpretation", "Patient ID: Q-55501"));
    expect(labelled).toMatchObject({ labResultId, textCheck: "other_patient", textCheckOtherPatientId: "Q-55501" });
    expect(labelled.textCheckReason).toContain("attached to patient id P-DELIV-1");

    const bare = await deliver("P-DELIV-1", accession, await textPdf("Interpretation for p other 7 (fasting)"));
    expect(bare).toMatchObject({ textCheck: "other_patient", textCheckOtherPatientId: "P-OTHER-7" });
    expect(bare.textCheckReason).toContain("another patient of this lab");

    const flagged = await listFlaggedReports(t.db, scopeOf(tech), [labelled.id, bare.id]);
    expect([...flagged.keys()].sort()).toEqual([labelled.id, bare.id].sort());
    expect(await listFlaggedReports(t.db, scopeOf(otherLabTech), [labelled.id])).toEqual(new Map());
  });

  it("does not flag a report that names its own patient, and does not check one without text", async () => {
    const { labResultId } = await queueLabResult(
      upload(await textPdf("Patient ID: P-DELIV-2"), { patientId: "P-DELIV-2" }),
      undefined,
      deps(),
    );
    const accession = (await row(labResultId)).accessionNumber;
    const own = await deliver("P-DELIV-2", accession, await textPdf("Patient ID: p deliv 2", "All normal"));
    expect(own).toMatchObject({ textCheck: "ok", textCheckOtherPatientId: null });
    const scan = await deliver("P-DELIV-2", accession, await scanPdf());
    expect(scan).toMatchObject({ textCheck: "not_checked" });
  });
});

describe("the text-check job of delivered reports", () => {
  let n = 0;
  async function storeUnchecked(patientId: string, pdf: Uint8Array) {
    n++;
    // Stored as before the check was a job: no job for it.
    const stored = await storeDeliveredReport(
      t.db,
      {
        patientId,
        referenceId: `ACC-SWEEP-${n}`,
        partnerLabId: "guard-lab",
        fileName: `sweep-${n}.pdf`,
        pdf,
        sha256: sha256Hex(pdf),
        metadata: {},
      },
      { webhookId: null, remoteIp: "127.0.0.1", bodyBytes: pdf.byteLength, idempotencyKey: () => `guard-sweep-${n}` },
    );
    return stored.reportId;
  }
  const textCheckOf = async (id: string) =>
    (
      await t.db
        .select({ textCheck: interpretationReports.textCheck, other: interpretationReports.textCheckOtherPatientId })
        .from(interpretationReports)
        .where(eq(interpretationReports.id, id))
    )[0]!;

  it("a worker's start checks the reports still pending, and a second check of one report changes nothing", async () => {
    const held = await storeUnchecked("P-SWEEP-1", await textPdf("Interpretation", "Patient ID: Q-88001"));
    expect(await textCheckOf(held)).toEqual({ textCheck: null, other: null });
    await startReportTextCheckWorker(boss, { db: t.db });
    try {
      const deadline = Date.now() + 30_000;
      while ((await textCheckOf(held)).textCheck === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await textCheckOf(held)).toEqual({ textCheck: "other_patient", other: "Q-88001" });
      expect(await runDeliveredReportCheck(t.db, held)).toBe("already_checked");
      expect(await runDeliveredReportCheck(t.db, "00000000-0000-4000-8000-000000000000")).toBe("gone");
    } finally {
      await boss.offWork(REPORT_TEXT_CHECK_QUEUE);
    }
  }, 60_000);
});
