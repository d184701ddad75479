import { createHash } from "node:crypto";
import type { Binary, Bundle, DiagnosticReport, Patient, Provenance, Specimen } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { labFlags } from "./flag";
import {
  AI_ASSERTED,
  labResultBundle,
  labSystems,
  patientHistoryBundle,
  reportVersionStatus,
  sha1Base64,
  US_CORE_LAB_PROFILE,
} from "./fhir";
import { checkBeyondValidator, usCoreLabProfile, validateExportBundle, validateFhir } from "./fhir-validate";
import { exportDocument, testLab, testLabResult, testPatient } from "./testing";

const portalUrl = "https://portal.example.org";
const now = new Date("2026-03-03T10:00:00Z");

function resources<T>(bundle: Bundle, type: string): T[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r) => r?.resourceType === type) as T[];
}

function resolve<T>(bundle: Bundle, reference: string | undefined): T {
  const found = bundle.entry?.find((e) => e.fullUrl === reference)?.resource;
  if (!found) throw new Error(`unresolved ${reference}`);
  return found as T;
}

describe("FHIR R4 export of one lab result", () => {
  it("is valid against R4 and the US Core Lab profile, with the amended version after the final one", async () => {
    const result = await testLabResult(2);
    const bundle = labResultBundle(testLab, testPatient(), result, { portalUrl, now });
    expect(validateExportBundle(bundle)).toEqual([]);
    expect(bundle.type).toBe("collection");

    const reports = resources<DiagnosticReport>(bundle, "DiagnosticReport");
    expect(reports).toHaveLength(3);
    const [labReport, v1, v2] = reports;
    expect(labReport?.category?.[0]?.coding?.[0]).toMatchObject({ code: "LAB" });
    expect(labReport?.meta?.security).toBeUndefined();
    expect([v1?.status, v2?.status]).toEqual(["final", "amended"]);
    for (const report of [v1, v2]) {
      expect(report?.code.coding?.[0]).toMatchObject({ system: "http://loinc.org", code: "11502-2" });
      expect(report?.meta?.security).toEqual([AI_ASSERTED]);
      expect(report?.meta?.profile).toEqual([US_CORE_LAB_PROFILE]);
      // Each AI-generated report has a Provenance whose author is Docus's Device.
      const provenance = resources<Provenance>(bundle, "Provenance").find(
        (p) => p.target[0]?.reference === `urn:uuid:${report?.id}`,
      );
      const author = provenance?.agent.find((a) => a.type?.coding?.[0]?.code === "author");
      expect(
        resolve<{ resourceType: string; deviceName: { name: string }[] }>(bundle, author?.who?.reference),
      ).toMatchObject({
        resourceType: "Device",
        deviceName: [{ name: "Docus" }],
      });
    }
  });

  it("carries the patient id in the lab's system and the accession number as ACSN on the Specimen and ServiceRequest", async () => {
    const result = await testLabResult(1);
    const bundle = labResultBundle(testLab, testPatient(), result, { portalUrl, now });
    const systems = labSystems(portalUrl, testLab.id);
    const [patient] = resources<Patient>(bundle, "Patient");
    expect(patient?.identifier?.[0]).toMatchObject({ system: systems.patient, value: "P-1001" });
    expect(patient).toMatchObject({
      gender: "female",
      birthDate: "1985-12-10",
      name: [{ family: "Lovelace", given: ["Ada"] }],
    });
    const [specimen] = resources<Specimen>(bundle, "Specimen");
    expect(specimen?.accessionIdentifier).toMatchObject({
      system: systems.accession,
      value: "ACC-2026-0042",
      type: { coding: [{ code: "ACSN" }] },
    });
    const [serviceRequest] = resources<{ identifier: unknown[] }>(bundle, "ServiceRequest");
    expect(serviceRequest?.identifier[0]).toEqual(specimen?.accessionIdentifier);
    // A patient id in another lab's system is another identifier.
    expect(labSystems(portalUrl, "another-lab").patient).not.toBe(systems.patient);
  });

  it("points presentedForm at a Binary with the PDF, SHA-1 as Attachment.hash and our SHA-256 as an identifier", async () => {
    const result = await testLabResult(1);
    const bundle = labResultBundle(testLab, testPatient(), result, { portalUrl, now });
    const [labReport, interpretation] = resources<DiagnosticReport>(bundle, "DiagnosticReport");
    for (const [report, doc] of [
      [labReport, result.document],
      [interpretation, result.reports[0]!.document],
    ] as const) {
      const form = report?.presentedForm?.[0];
      const binary = resolve<Binary>(bundle, form?.url);
      const bytes = Buffer.from(binary.data ?? "", "base64");
      expect(Buffer.compare(bytes, Buffer.from(doc.bytes))).toBe(0);
      expect(form).toMatchObject({ contentType: "application/pdf", size: doc.bytes.byteLength });
      expect(form?.hash).toBe(createHash("sha1").update(doc.bytes).digest("base64"));
      expect(report?.identifier).toContainEqual(expect.objectContaining({ value: `nih:sha-256;${doc.sha256}` }));
    }
  });

  it("maps each lab flag to a conclusion code and no flag to 'not flagged'", async () => {
    const expected = { normal: "N", abnormal: "A", critical: "AA" } as const;
    for (const flag of labFlags) {
      const bundle = labResultBundle(testLab, testPatient(), await testLabResult(1, { flag }), { portalUrl, now });
      const [labReport] = resources<DiagnosticReport>(bundle, "DiagnosticReport");
      expect(labReport?.conclusionCode?.[0]?.coding?.[0]?.code).toBe(expected[flag]);
      expect(labReport?.conclusion).toBe(`Flagged by the laboratory: ${flag}`);
      expect(validateExportBundle(bundle)).toEqual([]);
    }
    const unflagged = labResultBundle(testLab, testPatient(), await testLabResult(1), { portalUrl, now });
    const [labReport] = resources<DiagnosticReport>(unflagged, "DiagnosticReport");
    expect(labReport?.conclusionCode).toBeUndefined();
    expect(labReport?.conclusion).toBe("Not flagged by the laboratory");
  });

  it("gives a version after the first the status amended", () => {
    expect([1, 2, 3].map(reportVersionStatus)).toEqual(["final", "amended", "amended"]);
  });

  it("exports a patient without birth date or known sex validly", async () => {
    const patient = testPatient({ birthDate: null, sex: "unknown" });
    const bundle = labResultBundle(testLab, patient, await testLabResult(0), { portalUrl, now });
    expect(validateExportBundle(bundle)).toEqual([]);
    expect(resources<Patient>(bundle, "Patient")[0]?.birthDate).toBeUndefined();
  });
});

describe("FHIR R4 export of a patient's history", () => {
  it("is a valid searchset of one page with paging links and the total", async () => {
    const results = [await testLabResult(2), await testLabResult(1)];
    const bundle = patientHistoryBundle(
      testLab,
      testPatient(),
      results,
      { page: 2, pageSize: 2, total: 5, selfUrl: `${portalUrl}/api/patients/x/fhir` },
      { portalUrl, now },
    );
    expect(validateExportBundle(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ type: "searchset", total: 5 });
    expect(Object.fromEntries((bundle.link ?? []).map((l) => [l.relation, l.url]))).toEqual({
      self: `${portalUrl}/api/patients/x/fhir?page=2`,
      first: `${portalUrl}/api/patients/x/fhir?page=1`,
      previous: `${portalUrl}/api/patients/x/fhir?page=1`,
      next: `${portalUrl}/api/patients/x/fhir?page=3`,
      last: `${portalUrl}/api/patients/x/fhir?page=3`,
    });
    expect(resources<Patient>(bundle, "Patient")).toHaveLength(1);
    expect(resources<DiagnosticReport>(bundle, "DiagnosticReport")).toHaveLength(5);
    expect(bundle.entry?.filter((e) => e.search?.mode === "match")).toHaveLength(5);
  });
});

describe("the validator and its gaps", () => {
  it("applies the US Core Lab profile: a report without category LAB fails it and passes plain R4", async () => {
    const bundle = labResultBundle(testLab, testPatient(), await testLabResult(1), { portalUrl, now });
    const [labReport] = resources<DiagnosticReport>(bundle, "DiagnosticReport");
    const withoutLab = { ...labReport!, category: [{ text: "Chemistry" }] };
    expect(validateFhir(withoutLab)).toEqual([]);
    expect(validateFhir(withoutLab, { profile: usCoreLabProfile() })).not.toEqual([]);
    const withoutSubject = { ...labReport!, subject: undefined };
    expect(validateFhir(withoutSubject, { profile: usCoreLabProfile() })).not.toEqual([]);
  });

  it("does not check required codes: status 'bogus' passes the validator, our check refuses it", async () => {
    const bundle = labResultBundle(testLab, testPatient(), await testLabResult(1), { portalUrl, now });
    const report = resources<DiagnosticReport>(bundle, "DiagnosticReport")[0]!;
    (report as { status: string }).status = "bogus";
    expect(validateFhir(report)).toEqual([]);
    expect(validateFhir(report, { profile: usCoreLabProfile() })).toEqual([]);
    expect(checkBeyondValidator(bundle)).toEqual(['DiagnosticReport.status: "bogus" is not in its required value set']);
  });

  it("does not resolve references: one to nothing passes the validator, our check refuses it", async () => {
    const bundle = labResultBundle(testLab, testPatient(), await testLabResult(1), { portalUrl, now });
    const report = resources<DiagnosticReport>(bundle, "DiagnosticReport")[0]!;
    report.subject = { reference: "urn:uuid:00000000-0000-4000-8000-000000000000" };
    expect(validateFhir(report)).toEqual([]);
    expect(checkBeyondValidator(bundle)).toEqual([
      `DiagnosticReport/${report.id}: reference urn:uuid:00000000-0000-4000-8000-000000000000 names no entry`,
    ]);
  });

  it("does not check Attachment.hash or size: wrong ones pass the validator, our check refuses them", async () => {
    const bundle = labResultBundle(testLab, testPatient(), await testLabResult(1), { portalUrl, now });
    const report = resources<DiagnosticReport>(bundle, "DiagnosticReport")[0]!;
    const form = report.presentedForm![0]!;
    form.hash = sha1Base64(new Uint8Array([1, 2, 3]));
    form.size = 3;
    expect(validateFhir(report)).toEqual([]);
    expect(checkBeyondValidator(bundle)).toEqual([
      `DiagnosticReport/${report.id}: attachment size 3 is not ${Buffer.from(resolve<Binary>(bundle, form.url).data!, "base64").byteLength}`,
      `DiagnosticReport/${report.id}: attachment hash is not the SHA-1 of its data`,
    ]);
  });

  it("refuses base64 over 1 MiB by default; a larger cap lets a larger PDF through", async () => {
    const mib = 1024 * 1024;
    // The cap is on the decoded bytes: exactly 1 MiB passes, one byte more does not.
    const fits = exportDocument(new Uint8Array(mib).fill(65), "fits.pdf");
    const tooBig = exportDocument(new Uint8Array(mib + 1).fill(65), "big.pdf");
    const small = await testLabResult(0, { document: fits });
    const large = await testLabResult(0, { document: tooBig });
    expect(validateExportBundle(labResultBundle(testLab, testPatient(), small, { portalUrl, now }))).toEqual([]);
    const largeBundle = labResultBundle(testLab, testPatient(), large, { portalUrl, now });
    expect(validateExportBundle(largeBundle).join("\n")).toMatch(/Binary: base64Binary exceeds 1048576 bytes/);
    expect(validateExportBundle(largeBundle, { base64BinaryMaxBytes: 4 * mib })).toEqual([]);
  });
});
