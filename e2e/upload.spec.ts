import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { E2E_MAX_UPLOAD_MB } from "./fixtures/accounts";
import { sha256 } from "./fixtures/hash";
import { unique } from "./fixtures/ids";
import { labResultPdf, largePdf, pngRenamedPdf } from "./fixtures/pdfs";
import { simFault, simRequests, simRequestsFor } from "./fixtures/simulator";
import { SignInPage } from "./pages/sign-in-page";
import { UploadPage } from "./pages/upload-page";

/** An interpreted lab result moves on from "Accepted" to "Report ready" when the simulator delivers. */
const SENT = /^(Accepted|Report ready)$/;

test.beforeEach(async () => {
  await simFault({ reset: true });
});

test("a technician uploads one PDF with Interpret and sees it accepted", async ({ page }) => {
  const upload = await UploadPage.signedIn(page);
  const accession = unique("ACC");
  const patientId = unique("PAT");
  const file = await labResultPdf(`${accession}.pdf`, `Complete blood count for ${patientId}`);
  await upload.newPatient({
    patientId,
    givenName: "Ada",
    familyName: "Lovelace",
    birthDate: "1985-12-10",
    sex: "female",
  });
  await upload.details(accession, "Interpret", "Fasting sample");
  await upload.chooseFiles([file]);
  await page.screenshot({ path: "test-results/screens/upload-ready.png", fullPage: true });
  await upload.send();
  await expect(upload.row(`${accession}.pdf`).getByText(SENT)).toBeVisible();
  await page.screenshot({ path: "test-results/screens/upload-accepted.png", fullPage: true });

  const received = await simRequestsFor(accession);
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({
    endpoint: "/lab-results",
    status: 201,
    patient_id: patientId,
    partner_lab_id: "e2e-lab-a",
    sha256: sha256(file),
  });

  await page.goto("/lab-results");
  const row = page.getByTestId("lab-result-row").filter({ hasText: accession });
  await expect(row.getByText(SENT)).toBeVisible();
  await page.screenshot({ path: "test-results/screens/lab-results.png", fullPage: true });
  await row.getByRole("link", { name: /Details/ }).click();
  await expect(page.getByRole("heading", { name: `Accession ${accession}` })).toBeVisible();
  await expect(
    page.getByRole("table", { name: /Attempts/ }).getByRole("cell", { name: "Accepted", exact: true }),
  ).toBeVisible();
  await page.screenshot({ path: "test-results/screens/lab-result-detail.png", fullPage: true });
  const pdf = await page.request.get(
    (await page.getByRole("link", { name: "Download", exact: true }).getAttribute("href")) ?? "",
  );
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect(sha256(await pdf.body())).toBe(sha256(file));
});

test('"Store only" goes to /lab-results/not-interpret', async ({ page }) => {
  const upload = await UploadPage.signedIn(page);
  const accession = unique("STO");
  const patientId = unique("PAT");
  await upload.submit({
    patient: {
      patientId,
      givenName: "Alan",
      familyName: "Turing",
      birthDate: "1970-06-23",
      sex: "male",
    },
    accession,
    mode: "Store only",
    files: [await labResultPdf(`${accession}.pdf`, `Complete blood count for ${patientId}`)],
  });
  await expect(upload.row(`${accession}.pdf`).getByText("Accepted", { exact: true })).toBeVisible();
  expect((await simRequestsFor(accession)).map((r) => r.endpoint)).toEqual(["/lab-results/not-interpret"]);
});

test("a PNG renamed .pdf and an oversize file are refused with a message, and nothing reaches Docus", async ({
  page,
}) => {
  const upload = await UploadPage.signedIn(page);
  const before = (await simRequests()).length;
  const accession = unique("BAD");
  await upload.newPatient({
    patientId: unique("PAT"),
    givenName: "Grace",
    familyName: "Hopper",
    birthDate: "1960-12-09",
    sex: "female",
  });
  await upload.details(accession);
  await upload.chooseFiles([pngRenamedPdf("scan.pdf"), largePdf("huge.pdf", E2E_MAX_UPLOAD_MB + 1)]);
  await expect(upload.row("scan.pdf")).toContainText("scan.pdf is not a PDF");
  await expect(upload.row("huge.pdf")).toContainText(`huge.pdf is larger than the ${E2E_MAX_UPLOAD_MB} MB limit.`);
  await expect(page.getByRole("button", { name: "Send to Docus" })).toBeDisabled();
  await page.screenshot({ path: "test-results/screens/upload-refused.png", fullPage: true });
  expect((await simRequests()).length).toBe(before);
});

test("with 503 three times the row shows retrying and then accepted", async ({ page }) => {
  await simFault({ status: 503, count: 3, retryAfter: 1 });
  const upload = await UploadPage.signedIn(page);
  const accession = unique("RTY");
  const patientId = unique("PAT");
  await upload.submit({
    patient: {
      patientId,
      givenName: "Rosalind",
      familyName: "Franklin",
      birthDate: "1975-07-25",
      sex: "female",
    },
    accession,
    files: [await labResultPdf(`${accession}.pdf`, `Complete blood count for ${patientId}`)],
  });
  const row = upload.row(`${accession}.pdf`);
  await expect(row.getByText("Retrying", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/upload-retrying.png", fullPage: true });
  await expect(row.getByText(SENT)).toBeVisible({ timeout: 45_000 });
  const received = await simRequestsFor(accession);
  expect(received.map((r) => r.status)).toEqual([503, 503, 503, 201]);
});

test("with 400 it shows rejected with Docus's message and is not retried", async ({ page }) => {
  await simFault({ status: 400, count: 1, message: "patient_id is not registered with this team" });
  const upload = await UploadPage.signedIn(page);
  const accession = unique("REJ");
  const patientId = unique("PAT");
  await upload.submit({
    patient: {
      patientId,
      givenName: "Marie",
      familyName: "Curie",
      birthDate: "1967-11-07",
      sex: "female",
    },
    accession,
    files: [await labResultPdf(`${accession}.pdf`, `Complete blood count for ${patientId}`)],
  });
  const row = upload.row(`${accession}.pdf`);
  await expect(row.getByText("Rejected", { exact: true })).toBeVisible();
  await expect(row).toContainText("patient_id is not registered with this team");
  await page.screenshot({ path: "test-results/screens/upload-rejected.png", fullPage: true });
  // Give a retry every chance to happen; none must.
  await page.waitForTimeout(3000);
  expect((await simRequestsFor(accession)).map((r) => r.status)).toEqual([400]);
});

test("several files at once each get their own row, and an existing patient is found by search", async ({ page }) => {
  const upload = await UploadPage.signedIn(page);
  const patientId = unique("MULTI");
  const first = unique("ACC");
  await upload.submit({
    patient: {
      patientId,
      givenName: "Katherine",
      familyName: "Johnson",
      birthDate: "1958-08-26",
      sex: "female",
    },
    accession: first,
    files: [await labResultPdf(`${first}.pdf`, `Complete blood count for ${patientId}`)],
  });
  await expect(upload.row(`${first}.pdf`).getByText(SENT)).toBeVisible();

  await upload.goto();
  await upload.findPatient(patientId.slice(0, 10), new RegExp(patientId));
  const accession = unique("ACC");
  await upload.details(accession);
  const names = ["cbc.pdf", "lipids.pdf", "thyroid.pdf"].map((n) => `${accession}-${n}`);
  await upload.chooseFiles(await Promise.all(names.map((n) => labResultPdf(n, `${n} for ${patientId}`))));
  await upload.send();
  for (const name of names) await expect(upload.row(name).getByText(SENT)).toBeVisible();
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "3");
  await page.screenshot({ path: "test-results/screens/upload-several.png", fullPage: true });
  const received = await simRequestsFor(accession);
  expect(received.map((r) => r.fileName).sort()).toEqual([...names].sort());
  expect(new Set(received.map((r) => r.patient_id))).toEqual(new Set([patientId]));
});

test("the same file again for the same accession warns and is sent only when confirmed", async ({ page }) => {
  const upload = await UploadPage.signedIn(page);
  const accession = unique("DUP");
  const patientId = unique("PAT");
  const file = await labResultPdf(`${accession}.pdf`, `Complete blood count for ${patientId}`);
  await upload.submit({
    patient: {
      patientId,
      givenName: "Edsger",
      familyName: "Dijkstra",
      birthDate: "1950-05-11",
      sex: "male",
    },
    accession,
    files: [file],
  });
  await expect(upload.row(`${accession}.pdf`).getByText(SENT)).toBeVisible();

  await upload.goto();
  await upload.findPatient(patientId, new RegExp(patientId));
  await upload.details(accession);
  await upload.chooseFiles([file]);
  await upload.send();
  const row = upload.row(`${accession}.pdf`);
  await expect(row.getByText("Duplicate", { exact: true })).toBeVisible();
  await expect(row).toContainText("was already uploaded for accession");
  expect(await simRequestsFor(accession)).toHaveLength(1);
  await row.getByRole("button", { name: /Send again/ }).click();
  await expect(row.getByText(SENT)).toBeVisible();
  expect(await simRequestsFor(accession)).toHaveLength(2);
});

test("a doctor cannot reach the upload page or its upload route", async ({ page, browser }) => {
  // Record a technician's real upload request (to the upload route)…
  const upload = await UploadPage.signedIn(page);
  const accession = unique("DOC");
  const patientId = unique("PAT");
  await upload.newPatient({
    patientId,
    givenName: "Barbara",
    familyName: "Liskov",
    birthDate: "1959-11-07",
    sex: "female",
  });
  await upload.details(accession);
  await upload.chooseFiles([await labResultPdf(`${accession}.pdf`, `Complete blood count for ${patientId}`)]);
  const recorded = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/api/uploads");
  await upload.send();
  const request = await recorded;
  const origin = new URL(request.url()).origin;
  await expect(upload.row(`${accession}.pdf`).getByText(SENT)).toBeVisible();
  const before = (await simRequests()).length;

  // …and replay it as a doctor.
  const doctorContext = await browser.newContext();
  const doctor = await doctorContext.newPage();
  await new SignInPage(doctor).signInAs("doctor");
  const pageResponse = await doctor.goto("/upload");
  expect(pageResponse?.status()).toBe(403);
  // The page's request to the upload route: the form's fields and the file, multipart.
  const uploadRequest = async (as: Page, name: string, from = origin) => {
    const form = new FormData();
    const patientId = unique("PAT");
    const fields = {
      patientChoice: "new",
      patientId,
      givenName: "Eve",
      familyName: "Replay",
      birthDate: "1990-01-01",
      sex: "female",
      accessionNumber: accession,
      mode: "interpret",
    };
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append(
      "file",
      new Blob([readFileSync(await labResultPdf(name, `Complete blood count for Patient ID: ${patientId}`))], {
        type: "application/pdf",
      }),
      name,
    );
    return as.request.post("/api/uploads", { headers: { origin: from }, multipart: form, maxRedirects: 0 });
  };
  // Another site's page cannot make the technician's browser upload (the same-origin check).
  const crossSite = await uploadRequest(page, `${accession}-cross.pdf`, "https://elsewhere.example");
  expect(crossSite.status()).toBe(403);
  // The hand-made request works for the technician (so the refusal below means something)…
  const control = await uploadRequest(page, `${accession}-control.pdf`);
  expect(control.status()).toBe(201);
  expect(await control.json()).toMatchObject({ status: "success", labResultStatus: "queued" });
  await expect.poll(async () => (await simRequests()).length).toBe(before + 1);
  // …and is refused for the doctor, with nothing sent.
  const replay = await uploadRequest(doctor, `${accession}-doctor.pdf`);
  expect(replay.status()).toBe(403);
  expect((await simRequests()).length).toBe(before + 1);
  expect((await simRequestsFor(accession)).map((r) => r.fileName)).not.toContain(`${accession}-doctor.pdf`);
  await doctorContext.close();
});

test.afterAll(async () => {
  await simFault({ reset: true });
});
