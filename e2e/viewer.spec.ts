import { readFile } from "node:fs/promises";
import { seriousViolations } from "./fixtures/a11y";
import { expect, test, type Page } from "@playwright/test";
import { sha256 } from "./fixtures/hash";
import { uploadAndAwaitReport } from "./fixtures/interpreted-upload";
import { simAcceptedDeliveriesFor } from "./fixtures/simulator";
import { ReportViewerPage } from "./pages/report-viewer-page";
import { SignInPage } from "./pages/sign-in-page";

/** The inline report viewer: pdf.js under the portal's CSP, the original beside the report. */

/** Everything the browser says about the page: console errors and warnings, CSP violations, crashes, workers. */
function watch(page: Page) {
  const seen = { console: [] as string[], violations: [] as string[], errors: [] as string[], workers: [] as string[] };
  const onConsole = (where: string) => (message: { type(): string; text(): string }) => {
    if (message.type() === "error" || message.type() === "warning")
      seen.console.push(`${where} ${message.type()}: ${message.text()}`);
  };
  page.on("console", onConsole("page"));
  page.on("pageerror", (error) => seen.errors.push(error.message));
  page.on("worker", (worker) => {
    seen.workers.push(worker.url());
    worker.on("console", onConsole("worker"));
  });
  return seen;
}

test("a doctor opens a report inline: both PDFs render with selectable text, pages, zoom, the delivered bytes on download and the narrow toggle, under the CSP; the technician sees it side by side", async ({
  page,
  browser,
}) => {
  // An upload, a delivered report and a dozen renders: more than the default minute on a busy machine.
  test.setTimeout(180_000);
  await new SignInPage(page).signInAs("technician");
  const { accession, patientId, fileName } = await uploadAndAwaitReport(page, {
    prefix: "VWR",
    patient: { givenName: "Rosalind", familyName: "Franklin", birthDate: "1980-07-25", sex: "female" },
    text: "Complete blood count",
    pages: 2,
  });

  const doctorContext = await browser.newContext();
  const doctor = await doctorContext.newPage();
  // Violations inside the document are also reported as DOM events: record them from the first script on.
  await doctor.addInitScript(() => {
    const log: string[] = [];
    Object.assign(window, { __cspViolations: log });
    document.addEventListener("securitypolicyviolation", (e) => log.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  const seen = watch(doctor);
  await new SignInPage(doctor).signInAs("doctor");
  await doctor.goto("/patients");
  await doctor.getByLabel("Search by name, patient id or accession number").fill(accession);
  await doctor.getByRole("button", { name: "Search" }).click();
  await doctor
    .getByRole("row")
    .filter({ hasText: patientId })
    .getByRole("link", { name: "Franklin, Rosalind" })
    .click();
  const open = doctor
    .getByRole("list", { name: "Lab results, newest first" })
    .getByRole("link", { name: /^Open report version 1/ });
  const href = (await open.getAttribute("href")) ?? "";
  expect(href).toMatch(/^\/reports\/[0-9a-f-]{36}$/);
  expect(await open.getAttribute("target")).toBeNull();
  const reportId = href.split("/")[2] ?? "";
  // The viewer reads the inline (audited) route.
  const inlineResponse = doctor.waitForResponse(
    (r) => new URL(r.url()).pathname === `/api/reports/${reportId}/document` && !r.url().includes("download"),
  );
  await open.click();

  const viewer = new ReportViewerPage(doctor);
  await expect(doctor).toHaveURL(href);
  await viewer.expectLoaded(accession);
  expect(doctor.url()).not.toContain(patientId);
  await expect(doctor.getByText(`Franklin, Rosalind (${patientId})`)).toBeVisible();
  expect((await inlineResponse).status()).toBe(200);

  // Page 1 of each document, as real text in the text layer.
  await viewer.expectRendered("Interpretation report");
  await viewer.expectRendered("Original lab result");
  const report = viewer.pageArea("Interpretation report");
  await expect(report.getByText("Interpretation report", { exact: true })).toBeVisible();
  await expect(report.getByText(`Reference ID: ${accession}`, { exact: true })).toBeVisible();
  await expect(report.getByText(`Patient ID: ${patientId}`, { exact: true })).toBeVisible();
  const original = viewer.pageArea("Original lab result");
  await expect(original.getByText(`Complete blood count (${fileName})`, { exact: true })).toBeVisible();
  await expect(viewer.toolbar("Interpretation report").getByText(/^Page 1 of \d+$/)).toBeVisible();

  // The text can be selected with the mouse.
  await report.getByText("Interpretation report", { exact: true }).dblclick();
  expect(await doctor.evaluate(() => window.getSelection()?.toString() ?? "")).toMatch(/Interpretation|report/);
  await report.screenshot({ path: "test-results/screens/viewer-selection.png" });

  // Page navigation (the original has two pages).
  const originalBar = viewer.toolbar("Original lab result");
  await expect(originalBar.getByText("Page 1 of 2", { exact: true })).toBeVisible();
  await expect(viewer.button("Original lab result", "Previous page")).toBeDisabled();
  await viewer.button("Original lab result", "Next page").click();
  await expect(originalBar.getByText("Page 2 of 2", { exact: true })).toBeVisible();
  await viewer.expectRendered("Original lab result");
  await expect(original.getByText(`Page 2 of ${fileName}`, { exact: true })).toBeVisible();
  await expect(original.getByText(`Complete blood count (${fileName})`, { exact: true })).toHaveCount(0);
  await expect(viewer.button("Original lab result", "Next page")).toBeDisabled();
  await viewer.button("Original lab result", "Previous page").click();
  await expect(original.getByText(`Complete blood count (${fileName})`, { exact: true })).toBeVisible();

  // Zoom changes the drawn page's size; reset goes back to the viewer's width.
  const reportBar = viewer.toolbar("Interpretation report");
  const fitWidth = await viewer.canvasWidth("Interpretation report");
  expect(fitWidth).toBeGreaterThan(200);
  await expect(reportBar.getByText("100%")).toBeVisible();
  await viewer.button("Interpretation report", "Zoom in").click();
  await expect(reportBar.getByText("125%")).toBeVisible();
  await viewer.expectRendered("Interpretation report");
  expect(await viewer.canvasWidth("Interpretation report")).toBeCloseTo(fitWidth * 1.25, -1);
  await viewer.button("Interpretation report", "Zoom out").click();
  await viewer.button("Interpretation report", "Zoom out").click();
  await expect(reportBar.getByText("75%")).toBeVisible();
  await viewer.expectRendered("Interpretation report");
  expect(await viewer.canvasWidth("Interpretation report")).toBeCloseTo(fitWidth * 0.75, -1);
  await viewer.button("Interpretation report", "Reset zoom").click();
  await expect(reportBar.getByText("100%")).toBeVisible();
  await viewer.expectRendered("Interpretation report");
  expect(await viewer.canvasWidth("Interpretation report")).toBeCloseTo(fitWidth, -1);

  // Download gives the very file Docus delivered, as an attachment; the inline route serves
  // the same bytes. (pdf.js ends its own request once it has the bytes, so the browser keeps
  // no body for it: read the inline route again.)
  const delivered = await simAcceptedDeliveriesFor(accession);
  expect(delivered).toHaveLength(1);
  const inline = await doctor.request.get(`/api/reports/${reportId}/document`);
  expect(inline.headers()["content-disposition"]).toMatch(/^inline;/);
  // Exactly the PDF sandbox, not the page policy the proxy sets on everything else.
  expect(inline.headers()["content-security-policy"]).toBe("sandbox; default-src 'none'; object-src 'none'");
  const inlineBytes = await inline.body();
  expect(inlineBytes.subarray(0, 5).toString()).toBe("%PDF-");
  const downloading = doctor.waitForEvent("download");
  await viewer.downloadLink("Interpretation report").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`interpretation-${accession}.pdf`);
  const downloaded = await readFile(await download.path());
  expect(sha256(downloaded)).toBe(delivered[0]?.pdfSha256);
  expect(sha256(inlineBytes)).toBe(delivered[0]?.pdfSha256);

  expect(await seriousViolations(doctor)).toEqual([]);
  await doctor.screenshot({ path: "test-results/screens/viewer.png", fullPage: true });

  // Narrow screens show one document at a time, chosen with a toggle.
  await doctor.setViewportSize({ width: 600, height: 900 });
  await expect(viewer.toggle("Interpretation report")).toHaveAttribute("aria-pressed", "true");
  await expect(viewer.toggle("Original lab result")).toHaveAttribute("aria-pressed", "false");
  await expect(viewer.viewer("Interpretation report")).toBeVisible();
  await expect(viewer.viewer("Original lab result")).toBeHidden();
  await viewer.toggle("Original lab result").click();
  await expect(viewer.toggle("Original lab result")).toHaveAttribute("aria-pressed", "true");
  await expect(viewer.viewer("Interpretation report")).toBeHidden();
  await viewer.expectRendered("Original lab result");
  await expect(original.getByText(`Complete blood count (${fileName})`, { exact: true })).toBeVisible();
  expect(await seriousViolations(doctor)).toEqual([]);
  await doctor.screenshot({ path: "test-results/screens/viewer-narrow.png", fullPage: true });
  await viewer.toggle("Interpretation report").click();
  await expect(report.getByText("Interpretation report", { exact: true })).toBeVisible();

  // pdf.js ran in a same-origin worker, and nothing broke the CSP or threw.
  expect(seen.workers.length).toBeGreaterThan(0);
  for (const url of seen.workers) expect(new URL(url).origin).toBe(new URL(doctor.url()).origin);
  expect(await doctor.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
  expect(seen.console.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
  // Nothing else either: no pdf.js warning (a fake worker, a missing font or wasm), no React error.
  expect(seen.console).toEqual([]);
  expect(seen.errors).toEqual([]);
  await doctorContext.close();

  // The technician who uploaded it sees the same report beside the original on a wide screen.
  await page.goto(href);
  const technicianView = new ReportViewerPage(page);
  await technicianView.expectLoaded(accession);
  await technicianView.expectRendered("Interpretation report");
  await technicianView.expectRendered("Original lab result");
  await expect(
    technicianView.pageArea("Original lab result").getByText(`Complete blood count (${fileName})`, { exact: true }),
  ).toBeVisible();
  await expect(page.getByRole("group", { name: "Document to show" })).toBeHidden();
  const [left, right] = await Promise.all([
    technicianView.viewer("Interpretation report").boundingBox(),
    technicianView.viewer("Original lab result").boundingBox(),
  ]);
  if (!left || !right) throw new Error("a viewer has no box");
  // Side by side: next to each other, not one above the other.
  expect(Math.abs(left.y - right.y)).toBeLessThan(5);
  expect(left.x + left.width <= right.x || right.x + right.width <= left.x).toBe(true);
  await page.screenshot({ path: "test-results/screens/viewer-technician.png", fullPage: true });
});
