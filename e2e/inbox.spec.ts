import { expect, test, type Browser, type Page } from "@playwright/test";
import { PDFDocument } from "pdf-lib";
import { signWebhook } from "@/lib/docus/wire";
import { seriousViolations } from "./fixtures/a11y";
import { E2E_DELIVERY_SECRET, E2E_WEBHOOK_SECRET, accounts, e2eLabs, type AccountKey } from "./fixtures/accounts";
import { unique } from "./fixtures/ids";
import { labResultPdf } from "./fixtures/pdfs";
import { screenshotWideAndPhone } from "./fixtures/screens";
import { simFault } from "./fixtures/simulator";
import { SignInPage } from "./pages/sign-in-page";
import { UploadPage } from "./pages/upload-page";

/*
 * The doctors' results inbox, as the people of a lab use it: a technician uploads three
 * flagged results naming the doctor as physician, Docus (the simulator) reports on them,
 * the doctor signs off by keyboard, an amendment comes back, responsibility moves to a
 * colleague, and a critical result left unsigned past the lab's window reaches the admin.
 */

test.describe.configure({ mode: "serial" });
test.setTimeout(300_000);
test.use({ actionTimeout: 20_000 });

type Upload = { accession: string; patientId: string; patientName: string; reportId?: string };

async function signedIn(browser: Browser, account: AccountKey, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await new SignInPage(page).signInAs(account);
  return page;
}

async function setCriticalWindow(admin: Page, minutes: number) {
  await admin.goto("/admin/labs");
  await admin.getByRole("link", { name: `Edit ${e2eLabs.a.name}` }).click();
  const field = admin.getByLabel("Critical sign-off window (minutes)");
  await field.fill(String(minutes));
  await admin.getByRole("button", { name: "Save inbox settings" }).click();
  await expect(admin.getByText("Saved.", { exact: true })).toBeVisible();
}

/** The technician uploads one result with the lab's flag and the doctor's e-mail, and waits for Docus's report. */
async function uploadFlagged(
  tech: Page,
  flag: "Critical" | "Abnormal" | "Normal",
  patient: { patientId: string; givenName: string; familyName: string; existing?: boolean },
): Promise<Upload> {
  const accession = unique(`INB-${flag.slice(0, 3).toUpperCase()}`);
  const fileName = `${accession}.pdf`;
  const upload = new UploadPage(tech);
  await upload.goto();
  if (patient.existing) await upload.findPatient(patient.patientId, new RegExp(patient.familyName));
  else await upload.newPatient({ ...patient, birthDate: "1971-03-04", sex: "female" });
  await upload.details(accession);
  await tech.getByLabel("Lab flag").selectOption({ label: flag });
  await tech.getByLabel("Physician e-mail").fill(accounts.doctor.email.toUpperCase());
  await upload.chooseFiles([await labResultPdf(fileName, `${flag} potassium`, 1, patient.patientId)]);
  await upload.send();
  await upload.expectReportReady(fileName, 45_000);
  return { accession, patientId: patient.patientId, patientName: `${patient.familyName}, ${patient.givenName}` };
}

async function noHorizontalOverflow(page: Page) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll, "the page scrolls sideways").toBeLessThanOrEqual(widths.client);
}

/** Tap targets of the inbox and sign-off controls: at least 44 px high. */
async function expectTouchTargets(page: Page, scope: string) {
  const small = await page.locator(`${scope} a, ${scope} button, ${scope} select, ${scope} input`).evaluateAll((els) =>
    els
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
      })
      .filter((el) => el.getBoundingClientRect().height < 44)
      .map((el) => `${el.tagName} ${(el.textContent ?? "").trim().slice(0, 30)} ${el.getBoundingClientRect().height}`),
  );
  expect(small).toEqual([]);
}

/** A second delivery of a report for the same lab result (an amendment), signed as Docus signs it. */
async function deliverAmendment(page: Page, upload: Upload) {
  const doc = await PDFDocument.create();
  doc.addPage().drawText(`Amended interpretation for ${upload.patientId}`);
  const content = Buffer.from(await doc.save()).toString("base64");
  const raw = JSON.stringify({
    patient_id: upload.patientId,
    reference_id: upload.accession,
    partner_lab_id: e2eLabs.a.partnerLabId,
    file_base64: { mime_type: "application/pdf", content, file_name: "interpretation-amended.pdf" },
  });
  const id = `msg_${unique("amend")}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await page.request.post("/api/docus/reports", {
    headers: {
      "content-type": "application/json",
      "x-api-key": E2E_DELIVERY_SECRET,
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook(E2E_WEBHOOK_SECRET, id, timestamp, raw),
    },
    data: Buffer.from(raw),
  });
  expect(response.status()).toBeLessThan(300);
}

function inboxRow(page: Page, upload: Upload) {
  return page.getByTestId("inbox-row").filter({ hasText: upload.patientName }).filter({ hasText: upload.accession });
}

test("a doctor works through the results inbox; amendments, reassignment and late critical results", async ({
  browser,
}) => {
  await simFault({ reset: true });
  const admin = await signedIn(browser, "admin");
  await setCriticalWindow(admin, 1);
  try {
    const tech = await signedIn(browser, "technician");
    const stamp = Date.now().toString(36);
    const p1 = { patientId: unique("PINB1"), givenName: "Ivy", familyName: `Inbox${stamp}` };
    const p2 = { patientId: unique("PINB2"), givenName: "Otto", familyName: `Triage${stamp}` };
    const critical = await uploadFlagged(tech, "Critical", p1);
    const criticalUploadedAt = Date.now();
    const abnormal = await uploadFlagged(tech, "Abnormal", p2);
    const normal = await uploadFlagged(tech, "Normal", { ...p1, existing: true });
    await tech.context().close();

    // The doctor's inbox: critical first, then abnormal, then the rest; all three are hers.
    const doctor = await signedIn(browser, "doctor");
    await doctor.goto("/");
    const firstCard = doctor.getByRole("region", { name: /Waiting for your sign-off/ });
    await expect(firstCard.getByRole("link", { name: critical.patientName }).first()).toBeVisible();
    await doctor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inbox" }).click();
    await expect(doctor.getByRole("heading", { name: "Inbox", level: 1 })).toBeVisible();
    const rows = doctor.getByTestId("inbox-row");
    await expect(rows.nth(0)).toContainText(critical.accession);
    await expect(rows.nth(1)).toContainText(abnormal.accession);
    await expect(inboxRow(doctor, normal)).toContainText("Yours");
    expect(await seriousViolations(doctor)).toEqual([]);
    await doctor.getByLabel("Assigned").selectOption("mine");
    await doctor.getByRole("button", { name: "Filter" }).click();
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(2)).toContainText(normal.accession);
    await screenshotWideAndPhone(doctor, "inbox");

    // Another lab's doctor sees none of it, neither in the list nor by id.
    const other = await signedIn(browser, "doctorB");
    await other.goto("/inbox?who=all");
    await expect(other.getByRole("heading", { name: "Inbox", level: 1 })).toBeVisible();
    await expect(other.getByText(p1.familyName)).toHaveCount(0);
    await expect(other.getByText(p2.familyName)).toHaveCount(0);
    const criticalHref = await inboxRow(doctor, critical).getByRole("link").first().getAttribute("href");
    critical.reportId = criticalHref!.split("/").pop();
    await other.goto(criticalHref!);
    await expect(other.getByText(/does not exist/).first()).toBeVisible();
    await other.context().close();

    // Left unsigned past the 1-minute window, the critical result reaches the admin's dashboard
    // and every doctor of the lab.
    await doctor.waitForTimeout(Math.max(0, criticalUploadedAt + 62_000 - Date.now()));
    await expect(async () => {
      await admin.goto("/");
      await expect(admin.getByTestId("overdue-critical")).toContainText(critical.accession, { timeout: 1000 });
    }).toPass({ timeout: 60_000 });
    await screenshotWideAndPhone(admin, "inbox-admin-overdue-critical");
    const colleague = await signedIn(browser, "colleague");
    await colleague.goto("/inbox");
    await expect(colleague.getByTestId("overdue-critical")).toContainText(critical.accession);

    // By keyboard: j to the first row, Enter opens it, s signs off (confirmed: it is critical).
    await doctor.goto("/inbox");
    // The keys work once the page is hydrated (the list says so), as for a person.
    await expect(doctor.getByTestId("inbox-rows")).toHaveAttribute("data-keys", "ready");
    await doctor.keyboard.press("j");
    await expect(rows.nth(0).getByRole("link").first()).toBeFocused();
    await doctor.keyboard.press("Enter");
    await expect(doctor).toHaveURL(new RegExp(`/reports/${critical.reportId}$`));
    await expect(doctor.getByTestId("sign-off-panel")).toContainText("Critical and not signed off within 1 minutes");
    await expect(doctor.getByTestId("sign-off-panel")).toHaveAttribute("data-keys", "ready");
    await doctor.keyboard.press("s");
    const confirm = doctor.getByRole("dialog", { name: "Sign off this critical result?" });
    await expect(confirm).toBeVisible();
    await expect(confirm.getByRole("button", { name: "Confirm sign-off" })).toBeFocused();
    await doctor.keyboard.press("Enter");
    await expect(doctor.getByRole("status").filter({ hasText: "Version 1 signed off." })).toBeVisible();
    await expect(doctor.getByTestId("sign-off-record")).toContainText("signed off by Dana Doctor");
    await expect(doctor.getByTestId("sign-off-record")).toContainText("after delivery");
    await screenshotWideAndPhone(doctor, "inbox-report-signed-off");
    // Signed off: it leaves the inbox and the admin's dashboard.
    await doctor.goto("/inbox");
    await expect(inboxRow(doctor, critical)).toHaveCount(0);
    await admin.goto("/");
    await expect(admin.getByTestId("overdue-critical").getByText(critical.accession)).toHaveCount(0);

    // The abnormal one, signed off with the mouse and a comment; its amendment brings it back.
    await inboxRow(doctor, abnormal).getByRole("link").first().click();
    await doctor.getByLabel("Comment").fill("Repeat electrolytes next week");
    await doctor.getByRole("button", { name: "Sign off version 1" }).click();
    await expect(doctor.getByTestId("sign-off-record")).toContainText("Repeat electrolytes next week");
    await doctor.goto("/inbox");
    await expect(inboxRow(doctor, abnormal)).toHaveCount(0);
    await deliverAmendment(doctor, abnormal);
    await doctor.goto("/inbox");
    await expect(inboxRow(doctor, abnormal)).toContainText("Amended · v2");
    // The row says what changed since the signed-off version, once the comparison (a job) has run.
    await expect(async () => {
      await doctor.goto("/inbox");
      await expect(inboxRow(doctor, abnormal).getByTestId("inbox-row-diff")).toContainText(
        /What changed since version 1: \d+ words? added, \d+ words? removed/,
        { timeout: 2_000 },
      );
    }).toPass({ timeout: 60_000 });
    const rowDiff = inboxRow(doctor, abnormal).getByTestId("inbox-row-diff");
    await rowDiff.locator("summary").click();
    await expect(rowDiff.locator("ins").filter({ hasText: "Amended" })).toBeVisible();

    // Reassigned to a colleague: she has it, the doctor no longer does.
    await inboxRow(doctor, abnormal).getByRole("link").first().click();
    await expect(doctor.getByTestId("report-owner")).toContainText("Dana Doctor");
    await doctor.getByLabel("Reassign to").selectOption({ label: accounts.colleague.name });
    await doctor.getByRole("button", { name: "Reassign" }).click();
    await expect(doctor.getByText("Reassigned.", { exact: true })).toBeVisible();
    await expect(doctor.getByTestId("report-owner")).toContainText(accounts.colleague.name);
    await doctor.goto("/inbox");
    await expect(inboxRow(doctor, abnormal)).toHaveCount(0);
    await colleague.goto("/inbox");
    await expect(inboxRow(colleague, abnormal)).toContainText("Yours");
    await expect(inboxRow(colleague, abnormal)).toContainText("Amended · v2");
    await colleague.context().close();
    await doctor.context().close();

    // The same sign-off journey on a phone: no sideways scrolling, 44 px targets.
    const phone = await signedIn(browser, "doctor", { width: 390, height: 844 });
    await phone.goto("/inbox");
    await noHorizontalOverflow(phone);
    await expectTouchTargets(phone, "main form[aria-label='Filter the inbox']");
    await expectTouchTargets(phone, "[data-testid='inbox-rows']");
    await inboxRow(phone, normal).getByRole("link").first().click();
    await expect(phone.getByTestId("sign-off-panel")).toBeVisible();
    await noHorizontalOverflow(phone);
    await expectTouchTargets(phone, "[data-testid='sign-off-panel']");
    await phone.screenshot({ path: "test-results/screens/inbox-report-phone-before.png", fullPage: true });
    await phone.getByRole("button", { name: "Sign off version 1" }).click();
    await expect(phone.getByTestId("sign-off-record")).toContainText("signed off by Dana Doctor");
    await noHorizontalOverflow(phone);
    await phone.goto("/inbox");
    await expect(inboxRow(phone, normal)).toHaveCount(0);
    await phone.context().close();
  } finally {
    await setCriticalWindow(admin, 60);
    await admin.context().close();
  }
});
