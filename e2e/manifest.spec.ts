import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { seriousViolations } from "./fixtures/a11y";
import { expect, test, type Page } from "@playwright/test";
import Papa from "papaparse";
import { buildXlsx } from "../lib/manifest/xlsx-fixture";
import { labResultPdf } from "./fixtures/pdfs";
import { simFault, simRequests } from "./fixtures/simulator";
import { SignInPage } from "./pages/sign-in-page";
import { UploadPage, type NewPatient } from "./pages/upload-page";

/** Bulk upload with a manifest: every problem before anything is sent, then the rest sent, and the summary. */

const run = Date.now().toString(36);
const filesDir = path.join(process.cwd(), "test-results", "e2e-files");

async function noHorizontalOverflow(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

/** Report toasts (the interpreted files' reports arriving) would cover the page in the pictures. */
async function dismissToasts(page: Page) {
  const dismiss = page.getByRole("button", { name: "Dismiss" });
  for (let i = 0; i < 20 && (await dismiss.count()) > 0; i++) await dismiss.first().click();
}

/** The page at 1280x800 (docs/technicians.md's screenshot is a copy) and at 390x844 (a phone, checked for overflow). */
async function screenshots(page: Page, name: string) {
  mkdirSync(path.join(process.cwd(), "test-results", "screens"), { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await noHorizontalOverflow(page);
  await page.screenshot({ path: `test-results/screens/${name}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

// Colours are checked as they settle (as in a11y.spec.ts).
test.use({ reducedMotion: "reduce" });

test.beforeEach(async () => {
  await simFault({ reset: true });
});

test("a manifest of 12 rows for 5 patients: 3 problems shown at once, dropped, 9 files for 5 patients sent, a summary of all 12", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await new SignInPage(page).signInAs("technician");
  const upload = new UploadPage(page);

  // Three patients the lab has already, created through the portal's single upload.
  const existing: NewPatient[] = [
    { patientId: `E1-${run}`, givenName: "Grace", familyName: "Hopper", birthDate: "1906-12-09", sex: "female" },
    { patientId: `E2-${run}`, givenName: "Alan", familyName: "Turing", birthDate: "1954-06-07", sex: "male" },
    { patientId: `E3-${run}`, givenName: "Ada", familyName: "Lovelace", birthDate: "1980-12-10", sex: "female" },
  ];
  for (const [i, patient] of existing.entries()) {
    await upload.goto();
    await upload.newPatient(patient);
    await upload.details(`SEED-${run}-${i}`, "Store only");
    await upload.chooseFiles([await labResultPdf(`seed-${run}-${i}.pdf`, `Patient ${patient.patientId}`)]);
    await upload.send("Store only");
    await expect(upload.row(`seed-${run}-${i}.pdf`).getByText("Accepted", { exact: true })).toBeVisible({
      timeout: 30_000,
    });
  }
  const [e1, e2, e3] = existing.map((p) => `${p.patientId},${p.givenName},${p.familyName},${p.birthDate},${p.sex}`);
  const n1 = `N1-${run},Katherine,Johnson,1918-08-26,female`;
  const n2 = `N2-${run},Dorothy,Vaughan,1910-09-20,female`;
  const acc = (who: string) => `ACC-${who}-${run}`;
  // Lines 2 to 13 of the manifest; the header is line 1.
  const rows: Array<{ file: string; line: string; dropped?: true }> = [
    { file: "e1-a", line: `${e1},${acc("E1")},interpret,Fasting,,` },
    { file: "e1-b", line: `${e1},${acc("E1")},store only,,,` },
    { file: "e2-a", line: `${e2},${acc("E2")},interpret,,,` },
    { file: "e2-b", line: `${e2},${acc("E2")},interpret,,,` },
    { file: "e3-a", line: `${e3},${acc("E3")},interpret,,,` },
    { file: "e3-b", line: `${e3},${acc("E3")},store only,,,` },
    // Problem 1: the lab has this patient id with another birth date.
    { file: "e3-c", line: `E3-${run},Ada,Lovelace,1981-12-10,female,${acc("E3")},interpret,,,` },
    { file: "n1-a", line: `${n1},${acc("N1")},interpret,,,` },
    { file: "n1-b", line: `${n1},${acc("N1")},interpret,,,` },
    // Problem 2: a birth date that is not YYYY-MM-DD.
    { file: "n1-c", line: `N1-${run},Katherine,Johnson,26/08/1918,female,${acc("N1")},interpret,,,` },
    { file: "n2-a", line: `${n2},${acc("N2")},store only,,dorothy@example.org,` },
    // Problem 3: named in the manifest, but the file is not dropped.
    { file: "n2-b", line: `${n2},${acc("N2")},interpret,,,`, dropped: true },
  ];
  const name = (file: string) => `${file}-${run}.pdf`;
  const manifest = [
    "file_name,patient_id,given_name,family_name,birth_date,sex,accession_number,mode,notes,patient_email,physician_email",
    ...rows.map((r) => `${name(r.file)},${r.line}`),
  ].join("\n");
  mkdirSync(filesDir, { recursive: true });
  const manifestPath = path.join(filesDir, `manifest-${run}.csv`);
  writeFileSync(manifestPath, manifest);
  const pdfs = await Promise.all(
    rows
      .filter((r) => !r.dropped)
      .map((r) => labResultPdf(name(r.file), `Patient ${r.line.split(",")[0]} accession ${r.line.split(",")[5]}`)),
  );

  await page.goto("/upload?way=manifest");
  await expect(page.getByRole("link", { name: "Many files with a manifest" })).toHaveAttribute("aria-current", "page");
  await page.getByLabel("Manifest file (CSV or Excel .xlsx)").setInputFiles(manifestPath);
  await page.getByLabel("PDF files", { exact: true }).setInputFiles(pdfs);

  // All three problems at once, by row and column, before anything is sent.
  await expect(page.getByText("3 problems in 3 places. Nothing has been sent.", { exact: false })).toBeVisible({
    timeout: 20_000,
  });
  const problems = page.getByRole("list", { name: "Problems" });
  await expect(problems.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) })).toHaveCount(3);
  const row8 = problems.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Row 8" }) });
  await expect(row8).toContainText(
    `Birth date: Patient id E3-${run} already exists in this lab as Lovelace, Ada, born 1980-12-10, sex female; this row says Lovelace, Ada, born 1981-12-10, sex female.`,
  );
  const row11 = problems.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Row 11" }) });
  await expect(row11).toContainText("Birth date: “26/08/1918” is not a date written as YYYY-MM-DD");
  const row13 = problems.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Row 13" }) });
  await expect(row13).toContainText(
    `File name: ${name("n2-b")} is named in the manifest but is not among the dropped files.`,
  );
  await expect(page.getByRole("button", { name: /^Send \d+ files? for/ })).toBeDisabled();
  const before = (await simRequests()).length;
  await screenshots(page, "manifest-check");

  // Drop the three rows in error; the rest is checked again and can be sent.
  expect(await seriousViolations(page), "the manifest check").toEqual([]);
  // With the keyboard alone.
  await page.getByRole("button", { name: "Drop the 3 rows with problems" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("No problems: the batch is ready to send.")).toBeVisible({ timeout: 20_000 });
  expect((await simRequests()).length).toBe(before);
  await page.getByRole("button", { name: "Send 9 files for 5 patients" }).click();

  const sent = rows.filter((r) => !["e3-c", "n1-c", "n2-b"].includes(r.file));
  for (const r of sent) {
    await expect(
      page
        .getByTestId("manifest-file-row")
        .filter({ hasText: name(r.file) })
        .getByText(/^(Accepted|Report ready)$/),
    ).toBeVisible({ timeout: 60_000 });
  }
  for (const who of ["E1", "E2", "E3", "N1", "N2"]) {
    await expect(page.getByRole("region", { name: `Patient ${who}-${run}` })).toBeVisible();
  }
  await expect(page.getByText("12 rows: 9 sent, 0 refused, 3 dropped.")).toBeVisible();
  // Every interpreted file's report has arrived: no toast comes after the pictures are taken.
  for (const r of sent.filter((r) => r.line.includes(",interpret,"))) {
    await expect(
      page
        .getByTestId("manifest-file-row")
        .filter({ hasText: name(r.file) })
        .getByText("Report ready"),
    ).toBeVisible({ timeout: 60_000 });
  }

  // Docus received each of the nine once, for the right patient; the new patient's three files all kept.
  const received = (await simRequests()).filter((r) => r.reference_id?.endsWith(run) && r.status === 201);
  expect(received.map((r) => r.fileName).sort()).toEqual(sent.map((r) => name(r.file)).sort());
  expect(received.filter((r) => r.patient_id === `N1-${run}`)).toHaveLength(2);
  expect(received.filter((r) => r.patient_id === `E3-${run}`)).toHaveLength(2);

  // The summary CSV lists all 12 rows, the dropped ones with why.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download the summary (CSV)" }).click(),
  ]);
  const csv = readFileSync((await download.path())!, "utf8");
  const table = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
  expect(table).toHaveLength(12);
  expect(table.map((r) => r.row)).toEqual(rows.map((_, i) => String(i + 2)));
  expect(table.filter((r) => r.outcome === "sent")).toHaveLength(9);
  expect(
    table.filter((r) => r.outcome === "sent").every((r) => /^(accepted|report_ready)$/.test(r.lab_result_status!)),
  ).toBe(true);
  const droppedRows = table.filter((r) => r.outcome === "dropped");
  expect(droppedRows.map((r) => r.row)).toEqual(["8", "11", "13"]);
  expect(droppedRows[1]!.reason).toContain("is not a date written as YYYY-MM-DD");
  await page.waitForTimeout(500);
  await dismissToasts(page);
  expect(await seriousViolations(page), "the summary").toEqual([]);
  await screenshots(page, "manifest-summary");
});

test("an Excel manifest is read in the browser, and its problems are listed the same way", async ({ page }) => {
  await new SignInPage(page).signInAs("technician");
  mkdirSync(filesDir, { recursive: true });
  const manifestPath = path.join(filesDir, `manifest-${run}.xlsx`);
  // Two files of one patient and accession; only the mode differs (the second is not a mode).
  const maryJackson = (file: string, mode: string) => [
    file,
    `X-${run}`,
    "Mary",
    "Jackson",
    new Date(Date.UTC(1921, 3, 9)),
    "f",
    `ACC-X-${run}`,
    mode,
  ];
  writeFileSync(
    manifestPath,
    buildXlsx([
      ["File name", "Patient ID", "First name", "Surname", "Date of birth", "Gender", "Accession", "Mode"],
      maryJackson(`x1-${run}.pdf`, "Store only"),
      maryJackson(`x2-${run}.pdf`, "sometimes"),
    ]),
  );
  await page.goto("/upload?way=manifest");
  await page.getByLabel("Manifest file (CSV or Excel .xlsx)").setInputFiles(manifestPath);
  await page
    .getByLabel("PDF files", { exact: true })
    .setInputFiles([await labResultPdf(`x1-${run}.pdf`), await labResultPdf(`x2-${run}.pdf`)]);
  await expect(page.getByText("1 problem in 1 place.", { exact: false })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("list", { name: "Problems" })).toContainText(
    "Mode: “sometimes” is not a mode. Write “interpret” or “store only”.",
  );
  await page.getByRole("button", { name: "Drop row 3" }).click();
  await expect(page.getByRole("button", { name: "Send 1 file for 1 patient" })).toBeEnabled({ timeout: 20_000 });
});
