import { expect, test } from "@playwright/test";
import { unique } from "./fixtures/ids";
import { labResultPdf } from "./fixtures/pdfs";
import { simFault, simRequests, simRequestsFor } from "./fixtures/simulator";
import { UploadPage } from "./pages/upload-page";

/** A batch for a new patient, and a "new" patient whose id the lab has with other details. */

const dorothy = (patientId: string, birthDate: string) => ({
  patientId,
  givenName: "Dorothy",
  familyName: "Vaughan",
  birthDate,
  sex: "female",
});

test.beforeEach(async () => {
  await simFault({ reset: true });
});

test("a new patient with 5 PDFs and Interpret: 5 lab results of one patient, all accepted, all with their report", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const upload = await UploadPage.signedIn(page);
  const accession = unique("BATCH");
  const patientId = unique("PAT");
  // Lab results of one to sixteen pages.
  const files = await Promise.all(
    [1, 3, 6, 10, 16].map((pages, i) =>
      labResultPdf(`${accession}-${i + 1}.pdf`, `Metabolic panel for ${patientId}`, pages),
    ),
  );
  await upload.submit({
    patient: {
      patientId,
      givenName: "Katherine",
      familyName: "Johnson",
      birthDate: "1968-08-26",
      sex: "female",
    },
    accession,
    files: files,
  });
  for (let i = 1; i <= 5; i++) {
    await upload.expectReportReady(`${accession}-${i}.pdf`, 45_000);
  }
  await page.screenshot({ path: "test-results/screens/upload-batch.png", fullPage: true });

  // Docus received each file once, all for the same patient id.
  const received = await simRequestsFor(accession);
  expect(received).toHaveLength(5);
  expect(received.every((r) => r.status === 201 && r.patient_id === patientId && r.endpoint === "/lab-results")).toBe(
    true,
  );
  expect(new Set(received.map((r) => r.fileName))).toEqual(new Set(files.map((_, i) => `${accession}-${i + 1}.pdf`)));

  // One patient with the five results, each with its report.
  await page.goto(`/patients?q=${encodeURIComponent(patientId)}`);
  const patientRows = page.getByRole("row").filter({ hasText: patientId });
  await expect(patientRows).toHaveCount(1);
  await patientRows.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Johnson, Katherine", level: 1 })).toBeVisible();
  const timeline = page.getByRole("list", { name: "Lab results, newest first" });
  await expect(timeline.getByRole("link", { name: `Accession ${accession}`, exact: true })).toHaveCount(5);
  // Each file's own report: one first version per lab result, none superseding another.
  await expect(timeline.getByText("Interpretation report, version 1")).toHaveCount(5);
  await expect(timeline.getByText(/Interpretation report, version 2/)).toHaveCount(0);
  for (let i = 1; i <= 5; i++) await expect(timeline.getByText(`${accession}-${i}.pdf`)).toBeVisible();
});

test("the same patient id with other demographics is refused with both versions shown, and nothing is stored", async ({
  page,
}) => {
  const upload = await UploadPage.signedIn(page);
  const patientId = unique("PAT");
  const first = unique("ONE");
  await upload.submit({
    patient: dorothy(patientId, "1960-09-20"),
    accession: first,
    mode: "Store only",
    files: [await labResultPdf(`${first}.pdf`, `Complete blood count for ${patientId}`)],
  });
  await expect(upload.row(`${first}.pdf`).getByText("Accepted", { exact: true })).toBeVisible({ timeout: 20_000 });

  await upload.goto();
  const second = unique("TWO");
  const before = (await simRequests()).length;
  await upload.submit({
    patient: dorothy(patientId, "1961-09-20"),
    accession: second,
    mode: "Store only",
    files: [await labResultPdf(`${second}.pdf`, `Complete blood count for ${patientId}`)],
  });
  const row = upload.row(`${second}.pdf`);
  await expect(row).toContainText(
    `Patient id ${patientId} already exists in this lab as Vaughan, Dorothy, born 1960-09-20, sex female`,
  );
  await expect(row).toContainText("this upload says Vaughan, Dorothy, born 1961-09-20, sex female");
  const offer = page.getByRole("button", { name: "Use this existing patient" });
  await expect(offer).toBeVisible();
  await page.screenshot({ path: "test-results/screens/upload-patient-conflict.png", fullPage: true });

  // Nothing stored, nothing sent.
  await page.waitForTimeout(1500);
  expect((await simRequests()).length).toBe(before);
  await page.goto("/lab-results");
  await expect(page.getByTestId("lab-result-row").filter({ hasText: first })).toHaveCount(1);
  await expect(page.getByTestId("lab-result-row").filter({ hasText: second })).toHaveCount(0);

  // The offered patient is the existing one: choosing it sends the file to that patient.
  await upload.goto();
  await upload.submit({
    patient: dorothy(patientId, "1961-09-20"),
    accession: second,
    mode: "Store only",
    files: [await labResultPdf(`${second}.pdf`, `Complete blood count for ${patientId}`)],
  });
  await page.getByRole("button", { name: "Use this existing patient" }).click();
  await expect(page.getByRole("button", { name: "Use this existing patient" })).toHaveCount(0);
  await page
    .getByRole("button", { name: /Retry|Try again|Send again/ })
    .first()
    .click();
  await expect(upload.row(`${second}.pdf`).getByText("Accepted", { exact: true })).toBeVisible({ timeout: 20_000 });
  expect((await simRequestsFor(second)).map((r) => r.patient_id)).toEqual([patientId]);
});

test("a 429 with retry_after in its body delays the next attempt by at least that long", async ({ page }) => {
  test.setTimeout(90_000);
  // Docus's way: the wait in the body, no Retry-After header; longer than the e2e portal's backoff cap (5 s).
  await simFault({ status: 429, count: 1, retryAfterBody: 12, message: "Too many requests" });
  const upload = await UploadPage.signedIn(page);
  const accession = unique("LIM");
  const patientId = unique("PAT");
  await upload.submit({
    patient: {
      patientId,
      givenName: "Annie",
      familyName: "Easley",
      birthDate: "1973-04-23",
      sex: "female",
    },
    accession,
    mode: "Store only",
    files: [await labResultPdf(`${accession}.pdf`, `Complete blood count for ${patientId}`)],
  });
  await expect(upload.row(`${accession}.pdf`).getByText("Retrying", { exact: true })).toBeVisible();
  await expect(upload.row(`${accession}.pdf`).getByText("Accepted", { exact: true })).toBeVisible({ timeout: 40_000 });
  const received = await simRequestsFor(accession);
  expect(received.map((r) => r.status)).toEqual([429, 201]);
  const waited = new Date(received[1]!.at).getTime() - new Date(received[0]!.at).getTime();
  expect(waited).toBeGreaterThanOrEqual(12_000);
});
