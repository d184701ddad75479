import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { accounts, E2E_PASSWORD, e2eLabs } from "./fixtures/accounts";
import { uploadAndAwaitReport } from "./fixtures/interpreted-upload";
import { simAcceptedDeliveriesFor } from "./fixtures/simulator";
import { ReportViewerPage } from "./pages/report-viewer-page";
import { SignInPage } from "./pages/sign-in-page";
import { seriousViolations, tabTo } from "./fixtures/a11y";
import { sha256 } from "./fixtures/hash";

// Colours are checked as they settle: without motion, a button re-enabled after a
// request does not fade back in while axe measures it.
test.use({ reducedMotion: "reduce" });

test("the sign-in page has no serious or critical accessibility violation", async ({ page }) => {
  await new SignInPage(page).goto();
  expect(await seriousViolations(page)).toEqual([]);
  // An error message counts as part of the page.
  await new SignInPage(page).fill(accounts.doctor.email, "not-the-password");
  await expect(new SignInPage(page).errorMessage()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test("every page of the portal, with data on it, has none either", async ({ page, browser }) => {
  // Fifteen pages with axe on each, on a shared machine.
  test.setTimeout(240_000);
  await new SignInPage(page).signInAs("technician");
  const { accession } = await uploadAndAwaitReport(page, {
    prefix: "A11Y",
    patient: { givenName: "Grace", familyName: "Hopper", birthDate: "1986-12-09", sex: "female" },
  });
  // The upload page as the technician left it: a finished batch with its rows.
  expect(await seriousViolations(page), "/upload after a batch").toEqual([]);
  // A technician may not open the admin pages: the 403 page.
  expect((await page.goto("/admin"))?.status()).toBe(403);
  expect(await seriousViolations(page), "403").toEqual([]);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await new SignInPage(admin).signInAs("admin");
  const visit = async (path: string) => {
    await admin.goto(path);
    await expect(admin.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await seriousViolations(admin), path).toEqual([]);
  };
  for (const path of [
    "/",
    "/upload",
    "/lab-results",
    "/patients",
    "/admin",
    "/admin/deliveries",
    "/admin/people",
    "/admin/labs",
    "/admin/docus",
    "/account",
  ])
    await visit(path);
  // A lab's settings page, reached from the labs list.
  await admin.goto("/admin/labs");
  await admin.getByRole("link", { name: `Edit ${e2eLabs.a.name}` }).click();
  await expect(admin.getByRole("heading", { name: e2eLabs.a.name, level: 1 })).toBeVisible();
  expect(await seriousViolations(admin), "lab settings").toEqual([]);

  // The pages of one patient, reached as a person would.
  await visit(`/patients?q=${encodeURIComponent(accession)}`);
  await admin.getByRole("link", { name: "Hopper, Grace" }).click();
  await expect(admin.getByRole("heading", { name: "Hopper, Grace", level: 1 })).toBeVisible();
  const patientPath = new URL(admin.url()).pathname;
  await visit(patientPath);
  const timeline = admin.getByRole("list", { name: "Lab results, newest first" });
  const labResultPath =
    (await timeline.getByRole("link", { name: `Accession ${accession}`, exact: true }).getAttribute("href")) ?? "";
  const reportPath = (await timeline.getByRole("link", { name: /^Open report version 1/ }).getAttribute("href")) ?? "";
  await visit(labResultPath);
  await admin.goto(reportPath);
  const viewer = new ReportViewerPage(admin);
  await viewer.expectLoaded(accession);
  await viewer.expectRendered("Interpretation report");
  await viewer.expectRendered("Original lab result");
  expect(await seriousViolations(admin), reportPath).toEqual([]);

  // "Not found": an id that is no one's.
  expect((await admin.goto("/patients/00000000-0000-4000-8000-000000000000"))?.status()).toBe(404);
  expect(await seriousViolations(admin), "404").toEqual([]);
  await adminContext.close();
});

test("the shell can be used with the keyboard alone", async ({ page }) => {
  await new SignInPage(page).signInAs("doctor");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await tabTo(page, page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Patients" }), 10);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/patients");
});

test("a doctor finds a patient, opens the report and downloads it with the keyboard alone", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await new SignInPage(page).signInAs("technician");
  const { accession } = await uploadAndAwaitReport(page, {
    prefix: "KBD",
    patient: { givenName: "Katherine", familyName: "Johnson", birthDate: "1978-08-26", sex: "female" },
  });

  const context = await browser.newContext();
  const doctor = await context.newPage();
  const keyboard = doctor.keyboard;
  // Sign in: type into the fields, Enter submits.
  await new SignInPage(doctor).goto();
  await tabTo(doctor, doctor.getByLabel("Email"));
  await keyboard.type(accounts.doctor.email);
  await keyboard.press("Tab");
  await expect(doctor.getByLabel("Password")).toBeFocused();
  await keyboard.type(E2E_PASSWORD);
  await keyboard.press("Enter");
  await expect(doctor.getByRole("navigation", { name: "Main" })).toBeVisible();

  // Patients, from the navigation.
  await tabTo(doctor, doctor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Patients" }));
  await keyboard.press("Enter");
  await expect(doctor).toHaveURL("/patients");

  // Search by accession number; Enter submits the search.
  await tabTo(doctor, doctor.getByLabel("Search by name, patient id or accession number"));
  await keyboard.type(accession);
  await keyboard.press("Enter");
  await expect(doctor).toHaveURL(new RegExp(`q=${accession}`));

  // The patient's page, then the report.
  await tabTo(doctor, doctor.getByRole("link", { name: "Johnson, Katherine" }));
  await keyboard.press("Enter");
  await expect(doctor.getByRole("heading", { name: "Johnson, Katherine", level: 1 })).toBeVisible();
  await tabTo(doctor, doctor.getByRole("link", { name: /^Open report version 1/ }));
  await keyboard.press("Enter");
  const viewer = new ReportViewerPage(doctor);
  await viewer.expectLoaded(accession);
  await viewer.expectRendered("Interpretation report");
  await expect(
    viewer.pageArea("Interpretation report").getByText(`Reference ID: ${accession}`, { exact: true }),
  ).toBeVisible();

  // The viewer's controls answer the keyboard: Enter on "Zoom in" zooms.
  await tabTo(doctor, viewer.button("Interpretation report", "Zoom in"));
  await keyboard.press("Enter");
  await expect(viewer.toolbar("Interpretation report").getByText("125%")).toBeVisible();

  // Download with Enter: the file is the one Docus delivered.
  await tabTo(doctor, viewer.downloadLink("Interpretation report"));
  const downloading = doctor.waitForEvent("download");
  await keyboard.press("Enter");
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`interpretation-${accession}.pdf`);
  const [delivered] = await simAcceptedDeliveriesFor(accession);
  const bytes = await readFile(await download.path());
  expect(sha256(bytes)).toBe(delivered?.pdfSha256);
  await context.close();
});
