import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incoming, pdf, storeReport, submitForNewPatient } from "@/db/testing/deliveries";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createLab } from "./labs";
import { getReportDocumentForUser, getReportForUser, listReportsForLabResult } from "./reports";
import type { IncomingReport } from "./system/deliveries";
import { createUser } from "./users";

let t: TestDb;
let labA: string;
let labB: string;
let labResultId: string;
let technician: string;

/** A delivery for lab A's lab result ACC-200 of patient P-200, with `overrides`, keyed by its webhook id. */
function store(overrides: Partial<IncomingReport>, webhookId: string) {
  const report = incoming({
    patientId: "P-200",
    referenceId: "ACC-200",
    fileName: "interpretation-ACC-200.pdf",
    ...overrides,
  });
  return storeReport(t.db, report, webhookId);
}

beforeAll(async () => {
  t = await createTestDb();
  labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  labB = (await createLab(t.db, { name: "Lab B", partnerLabId: "lab-b" })).id;
  technician = (
    await createUser(t.db, {
      email: "tech@a.test",
      name: "Tech",
      passwordHash: "x",
      role: "technician",
      labIds: [labA],
    })
  ).id;
  ({ labResultId } = await submitForNewPatient(t.db, {
    labId: labA,
    userId: technician,
    patient: { patientId: "P-200", givenName: "Grace", familyName: "Hopper", birthDate: "1906-12-09", sex: "female" },
    accessionNumber: "ACC-200",
    fileName: "cbc.pdf",
  }));
});

afterAll(async () => {
  await t?.close();
});

describe("getReportForUser", () => {
  it("gives a matched report with its lab result, patient and version; an older version is superseded", async () => {
    const first = await store({}, "msg_v1");
    const second = await store({}, "msg_v2");
    const older = await getReportForUser(t.db, scopeFor(technician, [labA]), first.reportId);
    const newest = await getReportForUser(t.db, scopeFor(technician, [labA]), second.reportId);
    expect(newest).toMatchObject({
      id: second.reportId,
      version: 2,
      superseded: false,
      labResultId,
      accessionNumber: "ACC-200",
      patient: { patientId: "P-200", givenName: "Grace", familyName: "Hopper" },
      hasOriginalDocument: true,
    });
    expect(newest?.receivedAt).toBeInstanceOf(Date);
    expect(older).toMatchObject({ version: 1, superseded: true });
  });

  it("gives an unmatched report without a lab result, with the delivered reference and patient ids", async () => {
    const unmatched = await store({ referenceId: "ACC-NONE", patientId: "P-UNKNOWN" }, "msg_unmatched");
    expect(await getReportForUser(t.db, scopeFor(technician, [labA]), unmatched.reportId)).toMatchObject({
      labResultId: null,
      accessionNumber: "ACC-NONE",
      patient: null,
      deliveredPatientId: "P-UNKNOWN",
      superseded: false,
      hasOriginalDocument: false,
    });
  });

  it("is not found for another lab, for no lab and for an unknown lab's report", async () => {
    const report = await store({ referenceId: "ACC-200" }, "msg_v3");
    const unknownLab = await store({ partnerLabId: "who-knows" }, "msg_unknown_lab");
    expect(await getReportForUser(t.db, scopeFor(technician, [labB]), report.reportId)).toBeUndefined();
    expect(await getReportForUser(t.db, scopeFor(technician, []), report.reportId)).toBeUndefined();
    expect(await getReportForUser(t.db, scopeFor(technician, [labA, labB]), unknownLab.reportId)).toBeUndefined();
  });
});

describe("listReportsForLabResult and getReportDocumentForUser", () => {
  it("never shows a report to another lab", async () => {
    const [report] = await listReportsForLabResult(t.db, scopeFor(technician, [labA]), labResultId);
    expect(await getReportDocumentForUser(t.db, scopeFor(technician, [labB]), report!.id)).toBeUndefined();
    expect(await listReportsForLabResult(t.db, scopeFor(technician, [labB]), labResultId)).toEqual([]);
    const bytes = (await getReportDocumentForUser(t.db, scopeFor(technician, [labA]), report!.id))?.bytes;
    expect(Buffer.from(bytes ?? new Uint8Array()).equals(Buffer.from(pdf))).toBe(true);
  });
});
