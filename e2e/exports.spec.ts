import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Hl7Message } from "@medplum/core";
import type { Bundle, DiagnosticReport } from "@medplum/fhirtypes";
import { expect, test, type Page } from "@playwright/test";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { signWebhook } from "@/lib/docus/wire";
import { validateExportBundle } from "@/lib/exports/fhir-validate";
import { unescapeHl7 } from "@/lib/exports/hl7";
import { seriousViolations } from "./fixtures/a11y";
import { E2E_DELIVERY_SECRET, E2E_WEBHOOK_SECRET, e2eLabs } from "./fixtures/accounts";
import { uploadAndAwaitReport } from "./fixtures/interpreted-upload";
import { unique } from "./fixtures/ids";
import { openLabResult } from "./pages/lab-results";
import { SignInPage } from "./pages/sign-in-page";
import { screenshotWideAndPhone } from "./fixtures/screens";

/**
 * Exports to EHRs: a lab result with an amended interpretation report downloads as a FHIR
 * R4 Bundle (valid against R4 and the US Core Lab profile) and as HL7 v2 ORU^R01 messages
 * (read back with the HL7 library); another lab's user gets 404 for both.
 */

/** The files the examples of docs/exports.md come from. */
const examples = "test-results/exports";

async function download(page: Page, name: RegExp): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  return readFileSync(await file.path());
}

test("a lab result with an amended report downloads as valid FHIR and HL7; another lab's user gets 404", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await new SignInPage(page).signInAs("technician");
  const { accession, patientId } = await uploadAndAwaitReport(page, {
    prefix: "EXP",
    patient: { givenName: "Ann^Marie", familyName: "O|Brien & Co~", birthDate: "1968-04-02", sex: "female" },
  });

  // Docus delivers an amended version of the report.
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText(`Interpretation report (amended) ${accession}`, { font, x: 50, y: 750, size: 14 });
  const amendedPdf = Buffer.from(await doc.save());
  const raw = JSON.stringify({
    patient_id: patientId,
    reference_id: accession,
    partner_lab_id: e2eLabs.a.partnerLabId,
    file_base64: { mime_type: "application/pdf", content: amendedPdf.toString("base64"), file_name: "amended.pdf" },
  });
  const id = `msg_${unique("exports")}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const delivered = await page.request.post("/api/docus/reports", {
    headers: {
      "content-type": "application/json",
      "x-api-key": E2E_DELIVERY_SECRET,
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook(E2E_WEBHOOK_SECRET, id, timestamp, raw),
    },
    data: Buffer.from(raw),
  });
  expect(delivered.status()).toBe(200);

  await openLabResult(page, accession);
  await expect(page.getByText("Version 2", { exact: true })).toBeVisible();
  await screenshotWideAndPhone(page, "lab-result-exports");
  const labResultUrl = page.url();

  // FHIR: the Bundle validates, and carries the final and the amended version.
  const fhir = await download(page, /^Download FHIR bundle of accession/);
  const bundle = JSON.parse(fhir.toString("utf8")) as Bundle;
  expect(validateExportBundle(bundle)).toEqual([]);
  const reports = (bundle.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is DiagnosticReport => r?.resourceType === "DiagnosticReport");
  expect(reports.map((r) => r.status)).toEqual(["final", "final", "amended"]);
  expect(reports.slice(1).every((r) => r.meta?.security?.[0]?.code === "AIAST")).toBe(true);
  const fhirResponse = await page.request.get(`${labResultUrl.replace("/lab-results/", "/api/lab-results/")}/fhir`);
  expect(fhirResponse.headers()["content-type"]).toBe("application/fhir+json");

  // HL7: version 2's message reads back with its correction status, the escaped name and the amended PDF.
  const hl7 = await download(page, /^Download HL7 message of report version 2/);
  const message = Hl7Message.parse(hl7.toString("utf8"));
  const pid = message.getSegment("PID")!;
  expect(unescapeHl7(pid.getField(3).getComponent(1))).toBe(patientId);
  expect(unescapeHl7(pid.getField(5).getComponent(1))).toBe("O|Brien & Co~");
  expect(unescapeHl7(pid.getField(5).getComponent(2))).toBe("Ann^Marie");
  expect(unescapeHl7(message.getSegment("ORC")!.getField(3).getComponent(1))).toBe(accession);
  expect(message.getSegment("OBR")!.getField(25).toString()).toBe("C");
  const ed = message.getAllSegments("OBX").find((s) => s.getField(2).toString() === "ED")!;
  expect(Buffer.compare(Buffer.from(ed.getField(5).getComponent(5), "base64"), amendedPdf)).toBe(0);
  const v1 = Hl7Message.parse((await download(page, /^Download HL7 message of report version 1/)).toString("utf8"));
  expect(v1.getSegment("OBR")!.getField(25).toString()).toBe("F");

  // The patient's history, from the patient page.
  await page.goto(`/patients?q=${encodeURIComponent(patientId)}`);
  await page.getByRole("row").filter({ hasText: patientId }).getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "O|Brien & Co~, Ann^Marie", level: 1 })).toBeVisible();
  const history = JSON.parse(
    (await download(page, /^Download FHIR history of this patient/)).toString("utf8"),
  ) as Bundle;
  expect(validateExportBundle(history)).toEqual([]);
  expect(history).toMatchObject({ type: "searchset", total: 1 });
  const patientUrl = page.url();

  mkdirSync(examples, { recursive: true });
  writeFileSync(`${examples}/lab-result.fhir.json`, JSON.stringify(bundle, null, 2));
  writeFileSync(`${examples}/report-v2.hl7`, hl7);

  // Another lab's doctor: 404 for every export of this lab result.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await new SignInPage(otherPage).signInAs("doctorB");
  const reportId = reports[2]!.id!;
  for (const path of [
    `${labResultUrl.replace(/^.*\/lab-results\//, "/api/lab-results/")}/fhir`,
    `${patientUrl.replace(/^.*\/patients\//, "/api/patients/").replace(/[?#].*$/, "")}/fhir`,
    `/api/reports/${reportId}/hl7`,
  ]) {
    const response = await otherPage.request.get(path);
    expect(response.status(), path).toBe(404);
    expect(await response.text()).not.toContain(patientId);
  }
  await other.close();

  // The lab's admin sees the exports in the patient's access log.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await new SignInPage(admin).signInAs("admin");
  await admin.goto(patientUrl);
  const log = admin.getByRole("table", { name: "Who accessed this patient's documents" });
  await expect(log.getByText("Exported lab result (FHIR)").first()).toBeVisible();
  await expect(log.getByText("Exported history (FHIR)")).toBeVisible();
  await expect(log.getByText("Exported report (HL7)").first()).toBeVisible();

  // The admin names the lab's sending application and facility; the next message carries them.
  await admin.goto("/admin/labs");
  await admin.getByRole("link", { name: `Edit ${e2eLabs.a.name}` }).click();
  await admin.getByRole("link", { name: "HL7 exports and feed" }).click();
  await expect(admin.getByRole("heading", { name: `HL7 exports: ${e2eLabs.a.name}`, level: 1 })).toBeVisible();
  await expect(admin.getByText("No message has been queued yet.")).toBeVisible();
  await admin.getByLabel("Sending application (MSH-3)").fill("E2E-LIS");
  await admin.getByLabel("Sending facility (MSH-4)").fill("E2E-LAB-A");
  await admin.getByRole("button", { name: "Save HL7 settings" }).click();
  await expect(admin.getByText("Saved. The feed is off.")).toBeVisible();
  await screenshotWideAndPhone(admin, "hl7-exports");
  expect(await seriousViolations(admin), "the lab's HL7 exports page").toEqual([]);
  const named = Hl7Message.parse(await (await admin.request.get(`/api/reports/${reportId}/hl7`)).text());
  expect(named.getSegment("MSH")!.getField(3).toString()).toBe("E2E-LIS");
  expect(named.getSegment("MSH")!.getField(4).toString()).toBe("E2E-LAB-A");
  await adminContext.close();
});
