import { expect, test, type Browser, type Page } from "@playwright/test";
import { accounts, e2eLabs } from "./fixtures/accounts";
import { unique } from "./fixtures/ids";
import { labResultPdf } from "./fixtures/pdfs";
import { AppShell } from "./pages/app-shell";
import { openLabResult } from "./pages/lab-results";
import { SignInPage } from "./pages/sign-in-page";
import { UploadPage } from "./pages/upload-page";
import { screenshotWideAndPhone } from "./fixtures/screens";

/**
 * Roles are per lab: "shared" is a technician in Lab A and a doctor in Lab B; "adminA"
 * administers Lab A only.
 */

const OTHER_LAB = "also a member of a lab you do not administer: ask an operator";

/** The shared person's account id and their labs' ids, as /api/me tells them. */
async function sharedIdentity(browser: Browser): Promise<{ id: string; labB: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new SignInPage(page).signInAs("shared");
  const me = (await (await page.request.get("/api/me")).json()) as {
    id: string;
    role: string;
    labs: { id: string; name: string; role: string }[];
  };
  await context.close();
  expect(me.role).toBe("technician");
  expect(me.labs.map((l) => [l.name, l.role])).toEqual([
    [e2eLabs.a.name, "technician"],
    [e2eLabs.b.name, "doctor"],
  ]);
  return { id: me.id, labB: me.labs.find((l) => l.name === e2eLabs.b.name)!.id };
}

test("a technician in one lab and doctor in another sees the upload in its lab only", async ({ page }) => {
  const upload = await UploadPage.signedIn(page, "shared");
  const accession = unique("ROLE");
  const patientId = unique("PAT");
  await upload.submit({
    patient: {
      patientId,
      givenName: "Rosa",
      familyName: "Perlab",
      birthDate: "1980-02-03",
      sex: "female",
    },
    accession,
    mode: "Store only",
    // The PDF names its patient, as a real report does (the wrong-patient guard would hold it otherwise).
    files: [await labResultPdf(`${accession}.pdf`, "Complete blood count", 1, patientId)],
  });
  await expect(upload.row(`${accession}.pdf`).getByText("Accepted", { exact: true })).toBeVisible();
  await openLabResult(page, accession);
  await expect(page).toHaveURL(/\/lab-results\/[0-9a-f-]{36}$/);
  const details = page.url();

  const shell = new AppShell(page);
  await page.goto("/");
  await shell.labSwitcher().selectOption({ label: e2eLabs.b.name });
  await expect(page.getByRole("banner").getByText("Doctor", { exact: true })).toBeVisible();
  expect(await shell.navLabels()).not.toContain("Upload");
  await page.goto("/lab-results");
  await expect(page.getByRole("heading", { name: "Lab results", level: 1 })).toBeVisible();
  await expect(page.getByTestId("lab-result-row").filter({ hasText: accession })).toHaveCount(0);
  await page.goto(details);
  await expect(
    page.getByText(/This lab result does not exist, or is not part of the lab you are working in/),
  ).toBeVisible();
  expect((await page.goto("/upload"))?.status()).toBe(403);
});

async function managePerson(page: Page, email: string) {
  await page.goto("/admin/people");
  await page.getByRole("link", { name: `Manage ${email}` }).click();
  await expect(page.getByRole("heading", { name: "Roles and labs" })).toBeVisible();
}

test("the admin of Lab A cannot make the shared person admin of Lab B nor reset their password", async ({
  page,
  browser,
}) => {
  const shared = await sharedIdentity(browser);
  await new SignInPage(page).signInAs("adminA");
  await managePerson(page, accounts.shared.email);

  // The form offers Lab A only; the account-wide actions are not offered.
  await expect(page.getByLabel(`Role in ${e2eLabs.a.name}`)).toHaveValue("technician");
  await expect(page.getByLabel(`Role in ${e2eLabs.b.name}`)).toHaveCount(0);
  await expect(page.getByText(OTHER_LAB)).toBeVisible();
  await expect(page.getByRole("button", { name: /Reset password/ })).toHaveCount(0);
  await screenshotWideAndPhone(page, "person-roles-per-lab");

  // A forged field for Lab B, sent through the form: refused, nothing changes.
  await page.evaluate((labB) => {
    const form = document.querySelector('input[name="userId"]')!.closest("form")!;
    const forged = document.createElement("input");
    forged.type = "hidden";
    forged.name = `role:${labB}`;
    forged.value = "admin";
    form.append(forged);
  }, shared.labB);
  await page.getByLabel(`Role in ${e2eLabs.a.name}`).selectOption("admin");
  await page.getByRole("button", { name: "Save roles and labs" }).click();
  await expect(page.getByText("You can only change memberships and roles in labs you administer.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(`Role in ${e2eLabs.a.name}`)).toHaveValue("technician");

  // A password reset forged from another person's page (one of Lab A only): refused.
  await managePerson(page, accounts.doctor.email);
  const reset = page.getByRole("button", { name: "Reset password and make a set-password link" });
  await reset.evaluate((button, id) => {
    (button.closest("form")!.querySelector('input[name="userId"]') as HTMLInputElement).value = id;
  }, shared.id);
  await reset.click();
  await expect(page.getByText(OTHER_LAB)).toBeVisible();
  await expect(page.getByText("New set-password link")).toHaveCount(0);
});

test("the admin of Lab A sees the partner lab id read-only, and a forged change to another lab's id is refused without naming it", async ({
  page,
}) => {
  await new SignInPage(page).signInAs("adminA");
  const me = (await (await page.request.get("/api/me")).json()) as { labs: { id: string; name: string }[] };
  const labA = me.labs.find((l) => l.name === e2eLabs.a.name)!;
  await page.goto(`/admin/labs/${labA.id}`);
  const partner = page.getByLabel("Partner lab id");
  await expect(partner).toHaveValue(e2eLabs.a.partnerLabId);
  await expect(partner).toBeDisabled();
  await screenshotWideAndPhone(page, "lab-settings-admin");

  // Lab B's id, added to the form by hand: Docus's reports for Lab B would land in Lab A.
  await page.evaluate((stolen) => {
    const form = document.querySelector('input[name="labId"]')!.closest("form")!;
    const forged = document.createElement("input");
    forged.type = "hidden";
    forged.name = "partnerLabId";
    forged.value = stolen;
    form.append(forged);
  }, e2eLabs.b.partnerLabId);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Only an operator can change the partner lab id.")).toBeVisible();
  await expect(page.getByText(/already has/)).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel("Partner lab id")).toHaveValue(e2eLabs.a.partnerLabId);
});
