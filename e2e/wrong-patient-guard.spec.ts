import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { expect, test, type Browser } from "@playwright/test";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { signWebhook } from "@/lib/docus/wire";
import { seriousViolations } from "./fixtures/a11y";
import { screenshotWideAndPhone } from "./fixtures/screens";
import { E2E_DELIVERY_SECRET, E2E_WEBHOOK_SECRET, e2eLabs } from "./fixtures/accounts";
import { unique } from "./fixtures/ids";
import { scannedPdf, textPdf } from "./fixtures/pdfs";
import { simFault, simRequestsFor } from "./fixtures/simulator";
import { openLabResult } from "./pages/lab-results";
import { SignInPage } from "./pages/sign-in-page";
import { UploadPage, type NewPatient } from "./pages/upload-page";

/**
 * The wrong-patient guard: a PDF whose text names another patient is held until a person
 * confirms it; a scan (no text) is not checked and goes; a lab with the guard off sends
 * without checking; a delivered report naming another patient is flagged.
 */

function person(patientId: string, givenName: string, familyName: string): NewPatient {
  return { patientId, givenName, familyName, birthDate: "1970-03-14", sex: "female" };
}

/** Uploads one file for a new patient and waits for the upload's answer (any status). */
async function uploadFor(upload: UploadPage, patient: NewPatient, accession: string, file: string) {
  await upload.goto();
  await upload.submit({ patient, accession, files: [file] });
}

function fileName(path: string): string {
  return path.split("/").pop()!;
}

test.beforeEach(async () => {
  await simFault({ reset: true });
});

test("a PDF whose text names another patient is held with its reason and first page, and goes only after a person confirms it", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const upload = await UploadPage.signedIn(page);
  // A patient of the lab, with a file that names them (checked, sent).
  const other = person(unique("PW"), "Grace", "Hopper");
  const otherAccession = unique("ACC-OK");
  const named = await textPdf(`${otherAccession}.pdf`, ["Complete blood count", `Patient ID: ${other.patientId}`]);
  await uploadFor(upload, other, otherAccession, named);
  await expect(
    upload
      .row(fileName(named))
      .getByText(/Queued|Sending|Accepted|Report ready/)
      .first(),
  ).toBeVisible({
    timeout: 20_000,
  });

  // The wrong file: uploaded for another patient, but its text names Grace Hopper.
  const patient = person(unique("PR"), "Mary", "Jackson");
  const accession = unique("ACC-HELD");
  const wrong = await textPdf("wrong-file.pdf", [
    "Lipid panel",
    `Patient ID: ${other.patientId}`,
    "Name: Hopper, Grace",
    "Cholesterol 5.2 mmol/L",
  ]);
  await uploadFor(upload, patient, accession, wrong);
  const row = upload.row("wrong-file.pdf");
  await expect(row.getByText("Needs confirmation", { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(row).toContainText(
    `labels patient id ${other.patientId}, but this file is for patient id ${patient.patientId}`,
  );

  // The lab results list offers a review; nothing reached Docus.
  await page.goto("/lab-results");
  const listed = page.getByTestId("lab-result-row").filter({ hasText: accession });
  await expect(listed.getByText("Needs confirmation", { exact: true })).toBeVisible();
  await listed.getByRole("link", { name: new RegExp(`Review ${accession}`) }).click();

  const held = page.getByTestId("needs-confirmation");
  await expect(held.getByRole("heading", { name: "Needs confirmation before it is sent" })).toBeVisible();
  await expect(held).toContainText(
    `The PDF's text labels patient id ${other.patientId}, but this file is for patient id ${patient.patientId}.`,
  );
  await expect(held).toContainText(`It names patient id ${other.patientId} of another patient of this lab.`);
  // The first page, rendered by pdf.js in the browser: its text layer carries the other patient's id.
  const preview = held.getByRole("region", { name: /Uploaded PDF, first page, page 1 of 1/ });
  await expect(preview).toBeVisible({ timeout: 20_000 });
  await expect(preview).toHaveAttribute("aria-busy", "false");
  await expect(preview.getByText(`Patient ID: ${other.patientId}`)).toBeAttached();
  await page.waitForTimeout(3_000);
  expect(await simRequestsFor(accession)).toHaveLength(0);
  expect(await seriousViolations(page), "the held lab result's page").toEqual([]);

  mkdirSync("test-results/screens", { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(preview).toHaveAttribute("aria-busy", "false");
  await page.screenshot({ path: "test-results/screens/wrong-patient-guard.png" });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(preview).toHaveAttribute("aria-busy", "false");
  await page.screenshot({ path: "test-results/screens/wrong-patient-guard-narrow.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // A person confirms: it is sent (and, interpreted, its report comes back).
  await held.getByRole("button", { name: "Confirm and send" }).click();
  // The page refreshes at once: the held panel goes, and the check's line names the person.
  await expect(page.getByTestId("guard-summary")).toContainText("Confirmed by Tom Technician", { timeout: 15_000 });
  const status = page.getByRole("region", { name: "Status" });
  await expect(status.getByText("Report ready", { exact: true })).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId("needs-confirmation")).toHaveCount(0);
  await expect(page.getByTestId("guard-summary")).toContainText("Confirmed by Tom Technician");
  const received = await simRequestsFor(accession);
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ status: 201, patient_id: patient.patientId });
});

test("a PDF labelled with another patient's id but this file's accession is held, with that id in the reason", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const upload = await UploadPage.signedIn(page);
  const run = unique("WHO");
  // Two patients of the lab: PT-WHO-1 and PT-WHO-2.
  const second = person(`PT-${run}-2`, "Grace", "Hopper");
  const secondAccession = unique("ACC-WHO-OK");
  const secondFile = await textPdf(`${secondAccession}.pdf`, [
    "Complete blood count",
    `Patient ID: ${second.patientId}`,
  ]);
  await uploadFor(upload, second, secondAccession, secondFile);
  await upload.expectReportReady(fileName(secondFile));

  // The file reads "Patient ID: PT-WHO-2 … Accession: ACC-WHO-1", sent for PT-WHO-1 with ACC-WHO-1.
  const first = person(`PT-${run}-1`, "Mary", "Jackson");
  const accession = `ACC-${run}-1`;
  const wrong = await textPdf("who-wrong.pdf", [
    "Complete blood count",
    `Patient ID: ${second.patientId}`,
    `Accession: ${accession}`,
    "Haemoglobin 13.5 g/dL",
  ]);
  await uploadFor(upload, first, accession, wrong);
  const row = upload.row("who-wrong.pdf");
  await expect(row.getByText("Needs confirmation", { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(row).toContainText(
    `labels patient id ${second.patientId}, but this file is for patient id ${first.patientId}`,
  );
  await page.waitForTimeout(2_000);
  expect(await simRequestsFor(accession)).toHaveLength(0);
});

test("a scanned PDF (an image, no text) is not checked and goes", async ({ page }) => {
  const upload = await UploadPage.signedIn(page);
  const accession = unique("ACC-SCAN");
  const scan = await scannedPdf("scanned-result.pdf");
  await uploadFor(upload, person(unique("PS"), "Katherine", "Goble"), accession, scan);
  await upload.expectReportReady("scanned-result.pdf");
  expect(await simRequestsFor(accession)).toHaveLength(1);
  await openLabResult(page, accession);
  await expect(page.getByTestId("guard-summary")).toHaveText("Not checked (no text in the PDF).");
});

async function setGuard(browser: Browser, on: boolean): Promise<void> {
  const admin = await (await browser.newContext()).newPage();
  try {
    await new SignInPage(admin).signInAs("admin");
    await admin.goto("/admin/labs");
    await admin.getByRole("link", { name: `Edit ${e2eLabs.a.name}` }).click();
    const box = admin.getByRole("checkbox", { name: /Wrong-patient check/ });
    await box.setChecked(on);
    await admin.getByRole("button", { name: "Save settings" }).click();
    await expect(admin.getByText("Saved.", { exact: true })).toBeVisible();
    await admin.reload();
    await expect(admin.getByRole("checkbox", { name: /Wrong-patient check/ })).toBeChecked({ checked: on });
  } finally {
    await admin.context().close();
  }
}

test("a lab with the guard turned off sends without checking", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await setGuard(browser, false);
  try {
    const upload = await UploadPage.signedIn(page);
    const accession = unique("ACC-OFF");
    const file = await textPdf("unchecked.pdf", ["Thyroid panel", "Patient ID: SOMEONE-ELSE-1"]);
    await uploadFor(upload, person(unique("PO"), "Dorothy", "Vaughan"), accession, file);
    await upload.expectReportReady("unchecked.pdf");
    expect(await simRequestsFor(accession)).toHaveLength(1);
    await openLabResult(page, accession);
    await expect(page.getByTestId("guard-summary")).toHaveText("Not checked (the check is off for this lab).");
  } finally {
    await setGuard(browser, true);
  }
});

test("a delivered report whose text names another patient id is flagged on the patient page and the report view", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const upload = await UploadPage.signedIn(page);
  const other = person(unique("PX"), "Annie", "Easley");
  const otherAccession = unique("ACC-X");
  await uploadFor(
    upload,
    other,
    otherAccession,
    await textPdf(`${otherAccession}.pdf`, ["Ferritin", `Patient ID: ${other.patientId}`]),
  );
  await upload.expectReportReady(`${otherAccession}.pdf`);

  const patient = person(unique("PF"), "Christine", "Darden");
  const accession = unique("ACC-F");
  await uploadFor(
    upload,
    patient,
    accession,
    await textPdf(`${accession}.pdf`, ["Vitamin D", `Patient ID: ${patient.patientId}`]),
  );
  await upload.expectReportReady(`${accession}.pdf`);

  // Docus delivers a second version for this patient whose text is about Annie Easley.
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const pdfPage = doc.addPage();
  pdfPage.drawText("Interpretation report (corrected)", { font, x: 50, y: 750, size: 16 });
  pdfPage.drawText(`Patient ID: ${other.patientId}`, { font, x: 50, y: 720, size: 12 });
  pdfPage.drawText(`Accession: ${accession}`, { font, x: 50, y: 700, size: 12 });
  const raw = JSON.stringify({
    patient_id: patient.patientId,
    reference_id: accession,
    partner_lab_id: e2eLabs.a.partnerLabId,
    file_base64: {
      mime_type: "application/pdf",
      content: Buffer.from(await doc.save()).toString("base64"),
      file_name: "corrected.pdf",
    },
  });
  const id = `msg_${unique("guard")}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const delivered = await request.post("/api/docus/reports", {
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

  await page.goto(`/patients?q=${encodeURIComponent(patient.patientId)}`);
  await page.getByRole("row").filter({ hasText: patient.patientId }).getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Darden, Christine", level: 1 })).toBeVisible();
  // The check runs just after the delivery's answer.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("patient-other-patient-alert")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("patient-other-patient-alert")).toContainText(
    `The text names patient id ${other.patientId}, not ${patient.patientId}.`,
  );
  expect(await seriousViolations(page), "the patient page with a flagged report").toEqual([]);
  const timeline = page.getByRole("list", { name: "Lab results, newest first" });
  const flagged = timeline.getByTestId("other-patient-warning");
  await expect(flagged).toHaveCount(1);
  await expect(flagged).toContainText(
    `This report's text names patient id ${other.patientId}, another patient of this lab,`,
  );
  // Only the second version is flagged: the simulator's own report names the right patient.
  await expect(timeline.getByText("Interpretation report, version 2")).toBeVisible();

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: "test-results/screens/wrong-patient-report-flag.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/screens/wrong-patient-report-flag-narrow.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await timeline.getByRole("link", { name: /Open report version 2 of accession/ }).click();
  await expect(page.getByTestId("other-patient-warning")).toContainText(`names patient id ${other.patientId}`);
});

test("a held file is called held, never sent: the single upload's summary, the manifest's summary, CSV and rows not sent, and the dashboard", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const upload = await UploadPage.signedIn(page);

  // The single upload: two files for one new patient, one naming them, one naming no one.
  const patient = person(unique("PS"), "Dorothy", "Vaughan");
  const accession = unique("ACC-SUM");
  const named = await textPdf(`named-${accession}.pdf`, ["Complete blood count", `Patient ID: ${patient.patientId}`]);
  const anonymous = await textPdf(`anonymous-${accession}.pdf`, ["Complete blood count", "No name on this page"]);
  await upload.goto();
  await upload.submit({ patient, accession, files: [named, anonymous] });
  await expect(upload.row(fileName(anonymous)).getByText("Needs confirmation", { exact: true })).toBeVisible({
    timeout: 20_000,
  });
  await expect(
    upload
      .row(fileName(named))
      .getByText(/Queued|Sending|Accepted|Report ready/)
      .first(),
  ).toBeVisible({
    timeout: 20_000,
  });
  const summary = page.getByRole("status").filter({ hasText: "of 2 sent." });
  await expect(summary).toContainText("1 of 2 sent.");
  await expect(summary).toContainText("1 file is held");
  await expect(summary).not.toContainText("2 of 2 sent");

  // The manifest: two rows for one new patient, the second file naming no one.
  const run = unique("M");
  const rowPatient = `${unique("PM")},Katherine,Johnson,1918-08-26,female`;
  const manifestAccession = unique("ACC-MAN");
  const goodPdf = await textPdf(`m-good-${run}.pdf`, ["Lipid panel", `Patient ID: ${rowPatient.split(",")[0]}`]);
  const heldPdf = await textPdf(`m-held-${run}.pdf`, ["Lipid panel", "No name on this page"]);
  const dir = "test-results/e2e-files";
  mkdirSync(dir, { recursive: true });
  const manifestPath = `${dir}/manifest-held-${run}.csv`;
  writeFileSync(
    manifestPath,
    [
      "file_name,patient_id,given_name,family_name,birth_date,sex,accession_number,mode,notes,patient_email,physician_email",
      `${fileName(goodPdf)},${rowPatient},${manifestAccession},store only,,,`,
      `${fileName(heldPdf)},${rowPatient},${manifestAccession},store only,,,`,
    ].join("\n"),
  );
  await page.goto("/upload?way=manifest");
  await page.getByLabel("Manifest file (CSV or Excel .xlsx)").setInputFiles(manifestPath);
  await page.getByLabel("PDF files", { exact: true }).setInputFiles([goodPdf, heldPdf]);
  await expect(page.getByText("No problems: the batch is ready to send.")).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Send 2 files for 1 patient" }).click();
  const heldRow = page.getByTestId("manifest-file-row").filter({ hasText: fileName(heldPdf) });
  await expect(heldRow.getByText("Held", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(
    page.getByText("2 rows: 1 sent, 1 held (stored, not sent until confirmed), 0 refused, 0 dropped."),
  ).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByRole("list", { name: "Rows not sent" })).toContainText("Row 3 (held):");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download the summary (CSV)" }).click(),
  ]);
  const csv = readFileSync((await download.path())!, "utf8");
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[1]).toContain('"sent"');
  expect(lines[2]).toContain('"held","needs_confirmation"');
  await screenshotWideAndPhone(page, "manifest-held-summary");

  // Nothing held reached Docus; both held files wait on the dashboard.
  const sim = await simRequestsFor(accession);
  expect(sim.filter((r) => r.fileName === fileName(anonymous))).toHaveLength(0);
  await page.goto("/");
  const list = page.getByRole("region", { name: "Held by the wrong-patient guard" });
  await expect(list).toContainText(`Accession ${accession}`);
  await expect(list).toContainText(`Accession ${manifestAccession}`);
  await screenshotWideAndPhone(page, "dashboard-held");
});
