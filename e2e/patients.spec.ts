import { seriousViolations } from "./fixtures/a11y";
import { expect, test } from "@playwright/test";
import { uploadAndAwaitReport } from "./fixtures/interpreted-upload";
import { SignInPage } from "./pages/sign-in-page";

/** Doctors find a patient, see the history and open the report; other labs see nothing. */

test("a doctor finds a patient by accession, sees the timeline and opens the report; another lab's doctor gets 404", async ({
  page,
  browser,
}) => {
  // Four people sign in (the admin with a second step) on a shared machine.
  test.setTimeout(120_000);
  await new SignInPage(page).signInAs("technician");
  const { accession, patientId } = await uploadAndAwaitReport(page, {
    prefix: "PTL",
    patient: { givenName: "Hedy", familyName: "Lamarr", birthDate: "1984-11-09", sex: "female" },
  });

  const doctorContext = await browser.newContext();
  const doctor = await doctorContext.newPage();
  await new SignInPage(doctor).signInAs("doctor");
  await doctor.goto("/patients");
  await doctor.getByLabel("Search by name, patient id or accession number").fill(accession);
  await doctor.getByRole("button", { name: "Search" }).click();
  await expect(doctor).toHaveURL(new RegExp(`q=${accession}`));
  const row = doctor.getByRole("row").filter({ hasText: patientId });
  await expect(row.getByText("New report")).toBeVisible();
  await expect(row.getByText("Report ready")).toBeVisible();
  await doctor.screenshot({ path: "test-results/screens/patients-search.png", fullPage: true });
  await row.getByRole("link", { name: "Lamarr, Hedy" }).click();
  await expect(doctor.getByRole("heading", { name: "Lamarr, Hedy", level: 1 })).toBeVisible();
  // No patient identifier in the URL: ids are opaque.
  expect(doctor.url()).not.toContain(patientId);
  const timeline = doctor.getByRole("list", { name: "Lab results, newest first" });
  await expect(timeline.getByRole("link", { name: `Accession ${accession}`, exact: true })).toBeVisible();
  await expect(timeline.getByText("Interpretation report, version 1")).toBeVisible();
  expect(await seriousViolations(doctor)).toEqual([]);
  await doctor.screenshot({ path: "test-results/screens/patient-page.png", fullPage: true });

  const download = timeline.getByRole("link", { name: /^Download report version 1/ });
  const href = (await download.getAttribute("href")) ?? "";
  const pdf = await doctor.request.get(href);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-disposition"]).toMatch(/^attachment; filename="interpretation-/);
  expect(pdf.headers()["cache-control"]).toBe("no-store, private");
  expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  const patientUrl = doctor.url();

  // The doctor marks the report as reviewed on the lab result's page.
  await timeline.getByRole("link", { name: `Accession ${accession}`, exact: true }).click();
  await doctor.getByRole("button", { name: /Mark as reviewed/ }).click();
  await expect(doctor.getByText(/Reviewed by you/)).toBeVisible();
  await doctor.reload();
  await expect(doctor.getByText(/Reviewed by you/)).toBeVisible();
  await doctor.goto(patientUrl);

  // Filters: this patient has no rejected results.
  await doctor.getByLabel("Show").selectOption("rejected");
  await doctor.getByRole("button", { name: "Apply" }).click();
  await expect(doctor.getByText("None match these filters.")).toBeVisible();

  // Another lab's doctor: "not found" on the report's viewer, its inline PDF and its
  // download, with no PDF bytes, and on the patient.
  const reportId = href.split("/")[3] ?? "";
  // Other specs on this portal have the same doctor try other reports: count from here on.
  const otherTriesFrom = new Date().toISOString();
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await new SignInPage(other).signInAs("doctorB");
  const denied = [await other.request.get(href), await other.request.get(`/api/reports/${reportId}/document`)];
  for (const response of denied) {
    expect(response.status()).toBe(404);
    expect(response.headers()["content-type"]).not.toContain("application/pdf");
    expect((await response.body()).includes(Buffer.from("%PDF-"))).toBe(false);
  }
  expect((await other.goto(`/reports/${reportId}`))?.status()).toBe(404);
  await expect(other.getByRole("heading", { name: "Not found" })).toBeVisible();
  expect((await other.goto(patientUrl))?.status()).toBe(404);
  await doctorContext.close();
  await otherContext.close();

  // The admin (of both labs) sees who accessed the patient, and the export has every event.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await new SignInPage(admin).signInAs("admin");
  await admin.goto(patientUrl);
  const log = admin.getByRole("table", { name: "Who accessed this patient's documents" });
  await expect(
    log.getByRole("row").filter({ hasText: "Dana Doctor" }).filter({ hasText: "Downloaded report" }),
  ).toHaveCount(1);
  await admin.screenshot({ path: "test-results/screens/patient-audit.png", fullPage: true });
  // On a phone the same entries are a list, and nothing scrolls sideways.
  await admin.setViewportSize({ width: 390, height: 844 });
  const entries = admin.getByRole("list", { name: "Who accessed this patient's documents" });
  await expect(
    entries.getByRole("listitem").filter({ hasText: "Dana Doctor" }).filter({ hasText: "Downloaded report" }),
  ).toHaveCount(1);
  await expect(log).toBeHidden();
  expect(
    await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
  ).toBeLessThanOrEqual(0);
  await admin.screenshot({ path: "test-results/screens/patient-audit-phone.png", fullPage: true });
  await admin.setViewportSize({ width: 1280, height: 720 });
  const today = new Date().toISOString().slice(0, 10);
  const csv = await admin.request.get(`/api/admin/audit?from=${today}&to=${today}`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).split("\r\n");
  // Every cell quoted (CSV injection: see lib/csv.ts).
  expect(lines[0]).toBe(
    '"time","outcome","action","user_email","user_name","ip","lab_id","patient_id","lab_result_id","report_id","document_id","event_id"',
  );
  const forReport = lines.filter((l) => l.includes(reportId));
  expect(forReport.filter((l) => l.includes("report.download") && l.includes("doctor@e2e.test"))).toHaveLength(1);
  // Each of the other lab's doctor's three attempts is on record once, as denied (a denied
  // row names no report: it is not one of theirs to know; so the rows since the attempts).
  const sinceTries = lines.filter((l) => (/^"([^"]+)"/.exec(l)?.[1] ?? "") >= otherTriesFrom);
  expect(sinceTries.filter((l) => l.includes('"denied","report.download","doctor-b@e2e.test"'))).toHaveLength(1);
  expect(sinceTries.filter((l) => l.includes('"denied","report.view","doctor-b@e2e.test"'))).toHaveLength(2);
  expect(lines.filter((l) => l.includes('"allowed","report.') && l.includes("doctor-b@e2e.test"))).toEqual([]);
  // Doctors may not export.
  const doctorOnly = await browser.newContext();
  const d = await doctorOnly.newPage();
  await new SignInPage(d).signInAs("doctor");
  expect((await d.request.get(`/api/admin/audit?from=${today}&to=${today}`)).status()).toBe(403);
  await doctorOnly.close();
  await adminContext.close();
});
