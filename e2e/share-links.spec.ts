import { expect, test, type Browser, type Page } from "@playwright/test";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { signWebhook } from "@/lib/docus/wire";
import { seriousViolations } from "./fixtures/a11y";
import { E2E_DELIVERY_SECRET, E2E_WEBHOOK_SECRET, e2eLabs } from "./fixtures/accounts";
import { unique } from "./fixtures/ids";
import { uploadAndAwaitReport } from "./fixtures/interpreted-upload";
import { screenshotWideAndPhone } from "./fixtures/screens";
import { openLabResult } from "./pages/lab-results";
import { SignInPage } from "./pages/sign-in-page";

/**
 * An amended report shows what changed; a doctor shares one version with a PIN-protected
 * link that an outside physician opens without an account, and that locks, ends on
 * revocation and stays out of other labs' sight.
 */

async function textPdf(lines: string[], x = 50): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  lines.forEach((line, i) => page.drawText(line, { font, x, y: 750 - i * 22, size: 12 }));
  return Buffer.from(await doc.save());
}

/** Docus delivers a new version of the report for this lab result. */
async function deliverVersion(page: Page, accession: string, patientId: string, pdf: Buffer) {
  const raw = JSON.stringify({
    patient_id: patientId,
    reference_id: accession,
    partner_lab_id: e2eLabs.a.partnerLabId,
    file_base64: { mime_type: "application/pdf", content: pdf.toString("base64"), file_name: `${accession}-v.pdf` },
  });
  const id = `msg_${unique("share")}`;
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
}

/** The report page of version `n`, from its lab result's page. */
async function reportUrl(page: Page, accession: string, n: number): Promise<string> {
  await openLabResult(page, accession);
  const href = await page.getByRole("link", { name: new RegExp(`^Open report version ${n}\\b`) }).getAttribute("href");
  expect(href).toMatch(/^\/reports\/[0-9a-f-]{36}$/);
  return href!;
}

/** Makes a share link on the report page; returns the link and the PIN shown once. */
async function makeLink(page: Page, { singleUse = false, recipient = "Dr. Outside" } = {}) {
  const section = page.getByRole("region", { name: "Share links" });
  const created = section.getByTestId("share-created");
  // The link made before this one is still shown until the new one replaces it.
  const previous = (await created.count()) > 0 ? await created.getByLabel("Link").inputValue() : null;
  await section.getByLabel("Recipient").fill(recipient);
  if (singleUse) await section.getByLabel("Opens once only").check();
  await section.getByRole("button", { name: "Make a share link" }).click();
  await expect(created).toBeVisible();
  if (previous) await expect(created.getByLabel("Link")).not.toHaveValue(previous);
  const url = await created.getByLabel("Link").inputValue();
  const pin = (await created.getByTestId("share-pin").textContent())?.trim() ?? "";
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
  expect(pin).toMatch(/^\d{6}$/);
  return { url: new URL(url).pathname, pin };
}

async function outsider(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

async function enterPin(page: Page, pin: string) {
  await page.getByLabel("PIN").fill(pin);
  await page.getByRole("button", { name: "Open the report" }).click();
}

test("an amended report's changes, and a share link from outside: PIN, lock, single use, revocation, headers, lab walls", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  await new SignInPage(page).signInAs("technician");
  const { accession, patientId } = await uploadAndAwaitReport(page, {
    prefix: "SHR",
    patient: { givenName: "Grace", familyName: "Hopper", birthDate: "1956-12-09", sex: "female" },
  });
  // Version 2, version 3 with two values changed, version 4 with only its layout changed.
  await deliverVersion(
    page,
    accession,
    patientId,
    await textPdf(["Interpretation", "Potassium 4.1 mmol/L within range."]),
  );
  await deliverVersion(
    page,
    accession,
    patientId,
    await textPdf(["Interpretation", "Potassium 5.9 mmol/L above range."]),
  );
  await deliverVersion(
    page,
    accession,
    patientId,
    await textPdf(["Interpretation", "Potassium 5.9 mmol/L", "above range."], 120),
  );

  const doctor = await outsider(browser);
  await new SignInPage(doctor).signInAs("doctor");
  const v3 = await reportUrl(page, accession, 3);
  const v4 = await reportUrl(page, accession, 4);

  // The diff: computed by the job, shown highlighted with words for screen readers.
  await doctor.goto(v3);
  const diff = doctor.getByTestId("report-diff");
  await expect(diff.getByRole("heading", { name: "What changed from version 2 to version 3" })).toBeVisible();
  await expect(diff.getByText("2 words added, 2 words removed.")).toBeVisible({ timeout: 30_000 });
  const text = diff.getByTestId("report-diff-text");
  await expect(text.locator("del")).toHaveText(["[removed: 4.1 ]", "[removed: within ]"]);
  await expect(text.locator("ins")).toHaveText(["[added: 5.9 ]", "[added: above ]"]);
  expect(await seriousViolations(doctor)).toEqual([]);
  await diff.scrollIntoViewIfNeeded();
  await screenshotWideAndPhone(doctor, "report-diff");

  await doctor.goto(v4);
  await expect(doctor.getByTestId("report-diff").getByText("No text changes.")).toBeVisible({ timeout: 30_000 });

  // A link for an outside physician, read once.
  await doctor.goto(v3);
  const first = await makeLink(doctor);
  const second = await makeLink(doctor, { recipient: "Dr. Wrong Pin" });
  const third = await makeLink(doctor, { singleUse: true, recipient: "Dr. Once" });

  // Outside, with no account: the page asks for the PIN, with the headers of a secret page.
  const physician = await outsider(browser);
  const response = await physician.goto(first.url);
  const headers = response!.headers();
  expect(headers["cache-control"]).toContain("no-store");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["x-robots-tag"]).toContain("noindex");
  await expect(physician.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  await expect(physician.getByRole("heading", { name: "Shared report", level: 1 })).toBeVisible();
  // Nothing of the portal: no navigation, no sign-in, no patient's name before the PIN.
  await expect(physician.getByRole("navigation")).toHaveCount(0);
  await expect(physician.getByText("Hopper")).toHaveCount(0);
  expect(await seriousViolations(physician)).toEqual([]);
  await screenshotWideAndPhone(physician, "share-link-pin");
  // Without the PIN the PDF route gives nothing.
  expect((await physician.request.get(`${first.url}/document`)).status()).toBe(403);

  const pdfResponse = physician.waitForResponse((r) => new URL(r.url()).pathname === `${first.url}/document`);
  await enterPin(physician, first.pin);
  const pdf = await pdfResponse;
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect(pdf.headers()["cache-control"]).toContain("no-store");
  expect(pdf.headers()["content-security-policy"]).toContain("sandbox");
  await expect(physician.getByRole("region", { name: "Report", exact: true })).toBeVisible();
  const cookies = await physician.context().cookies();
  const viewer = cookies.find((c) => c.name === "share_viewer");
  expect(viewer).toMatchObject({ httpOnly: true, sameSite: "Strict", path: first.url });
  expect(cookies.some((c) => c.name.includes("next-auth.session-token"))).toBe(false);
  expect(await seriousViolations(physician)).toEqual([]);
  await screenshotWideAndPhone(physician, "share-link-view");

  // The viewer's cookie, copied to another link, opens nothing there.
  const copier = await outsider(browser);
  const secondToken = second.url.split("/")[2]!;
  await copier.context().addCookies([{ ...viewer!, path: second.url }]);
  expect((await copier.request.get(`/s/${secondToken}/document`)).status()).toBe(403);
  await copier.goto(second.url);
  await expect(copier.getByLabel("PIN")).toBeVisible();

  // Five wrong PINs lock the second link, in words a patient understands.
  const guesser = await outsider(browser);
  await guesser.goto(second.url);
  const wrong = String((Number(second.pin) + 1) % 1_000_000).padStart(6, "0");
  for (let i = 0; i < 4; i++) {
    await enterPin(guesser, wrong);
    await expect(guesser.locator("#share-pin-error")).toContainText("That PIN is not right.");
  }
  await enterPin(guesser, wrong);
  await expect(guesser.getByTestId("share-message")).toHaveText(
    /locked because a wrong PIN was entered too many times/,
  );
  await guesser.goto(second.url);
  await expect(guesser.getByLabel("PIN")).toHaveCount(0);

  // Single use: a preview's HEAD and GET do not spend it; the first right PIN does, for that viewer only.
  const preview = await outsider(browser);
  expect((await preview.request.head(third.url)).status()).toBe(200);
  expect((await preview.request.get(third.url)).status()).toBe(200);
  const once = await outsider(browser);
  await once.goto(third.url);
  await enterPin(once, third.pin);
  await expect(once.getByRole("region", { name: "Report", exact: true })).toBeVisible();
  const late = await outsider(browser);
  await late.goto(third.url);
  await expect(late.getByTestId("share-message")).toHaveText(/could be opened only once/);

  // The doctor sees every access, and revokes the first link: the physician's next visit ends there.
  await doctor.reload();
  const rows = doctor.getByTestId("share-link-row");
  await expect(rows.filter({ hasText: "Dr. Wrong Pin" }).getByTestId("share-link-state")).toHaveText(/Locked/);
  const firstRow = rows.filter({ hasText: "Dr. Outside" });
  await firstRow.getByText(/\d+ access/).click();
  await expect(firstRow.getByText(/Right PIN entered/)).toBeVisible();
  await expect(firstRow.getByText(/Report PDF read/).first()).toBeVisible();
  await firstRow.getByRole("button", { name: "Revoke" }).click();
  await expect(firstRow.getByTestId("share-link-state")).toHaveText("Revoked");
  await physician.reload();
  await expect(physician.getByTestId("share-message")).toHaveText(/withdrawn by the person who sent it/);
  expect((await physician.request.get(`${first.url}/document`)).status()).toBe(403);

  // A guessed token says only that the link does not work.
  await late.goto(`/s/${"A".repeat(43)}`);
  await expect(late.getByTestId("share-message")).toHaveText(/This link does not work/);

  // Another lab's doctor sees neither the report nor its links.
  const otherLab = await outsider(browser);
  await new SignInPage(otherLab).signInAs("doctorB");
  const refused = await otherLab.goto(v3);
  expect(refused?.status()).toBe(404);
  await expect(otherLab.getByRole("region", { name: "Share links" })).toHaveCount(0);
  await expect(otherLab.getByText("Dr. Outside")).toHaveCount(0);
});
