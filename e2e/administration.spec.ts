import { expect, test, type Browser, type Page } from "@playwright/test";
import { generate } from "otplib";
import { uploadAndAwaitReport } from "./fixtures/interpreted-upload";
import { ReportViewerPage } from "./pages/report-viewer-page";
import { SignInPage } from "./pages/sign-in-page";
import { seriousViolations, tabTo } from "./fixtures/a11y";

/**
 * Administration in the browser: an operator sets up a lab and its admin, who enrols a
 * second factor and brings in a technician and a doctor; the lab then works end to end.
 */

test.use({ reducedMotion: "reduce" });

const stamp = Date.now().toString(36);
const lab = { name: `Journey Lab ${stamp}`, partnerLabId: `journey-${stamp}` };
const people = {
  admin: { name: "Jo Admin", email: `jo-admin-${stamp}@e2e.test`, password: "granite meadow cobalt whistle" },
  technician: { name: "Tess Technician", email: `tess-${stamp}@e2e.test`, password: "saffron ledger pebble orchard" },
  doctor: { name: "Dov Doctor", email: `dov-${stamp}@e2e.test`, password: "marble falcon quiet harbour" },
};

/** Creates a person on the people page and returns the set-password link shown once. */
async function createPerson(page: Page, person: { name: string; email: string }, role: string): Promise<string> {
  await page.goto("/admin/people");
  await page.getByLabel("Name", { exact: true }).fill(person.name);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Role").selectOption(role);
  await page.getByRole("checkbox", { name: lab.name }).check();
  await page.getByRole("button", { name: "Create person" }).click();
  await expect(page.getByText(`${person.email} was created.`)).toBeVisible();
  const link = await page.getByLabel("Set-password link").inputValue();
  expect(link).toMatch(/\/set-password\/[A-Za-z0-9_-]{43}$/);
  return link;
}

/** Opens a set-password link in a fresh browser, sets the password and signs in. */
async function setPasswordAndSignIn(
  browser: Browser,
  link: string,
  person: { email: string; password: string },
): Promise<Page> {
  const context = await browser.newContext({ reducedMotion: "reduce" });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Set your password" })).toBeVisible();
  expect(await seriousViolations(page), "set-password").toEqual([]);
  // A weak password is refused with advice.
  await page.getByLabel("New password", { exact: true }).fill("password1234");
  await page.getByLabel("New password again").fill("password1234");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByText(/too easy to guess/)).toBeVisible();
  expect(await seriousViolations(page), "set-password with an error").toEqual([]);
  await page.getByLabel("New password", { exact: true }).fill(person.password);
  await page.getByLabel("New password again").fill(person.password);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByText("Your password is set. Sign in with it.")).toBeVisible();
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  return page;
}

test("an operator creates a lab and its admin; the admin enrols TOTP and brings in a technician and a doctor, whose upload and report work", async ({
  page,
  browser,
}) => {
  test.setTimeout(420_000);
  // The operator: a lab, then its admin.
  await new SignInPage(page).signInAs("operator");
  await page.goto("/admin/labs");
  expect(await seriousViolations(page), "/admin/labs").toEqual([]);
  await page.getByLabel("Name").fill(lab.name);
  await page.getByLabel("Partner lab id").fill(lab.partnerLabId);
  await page.getByRole("button", { name: "Create lab" }).click();
  await expect(page.getByText(`${lab.name} was created.`)).toBeVisible();
  const adminLink = await createPerson(page, people.admin, "admin");
  expect(await seriousViolations(page), "/admin/people with a link").toEqual([]);

  // The admin sets a password, signs in and is sent to enrol; the whole enrolment by keyboard.
  const admin = await setPasswordAndSignIn(browser, adminLink, people.admin);
  await expect(admin).toHaveURL(/\/account\/two-factor$/);
  await expect(admin.getByRole("heading", { name: "Two-factor sign-in", level: 1 })).toBeVisible();
  expect(await seriousViolations(admin), "enrolment").toEqual([]);
  await tabTo(admin, admin.getByRole("button", { name: "Set up two-factor sign-in" }));
  await admin.keyboard.press("Enter");
  const secretText = admin.getByTestId("totp-secret");
  await expect(secretText).toBeVisible();
  await expect(admin.getByRole("img", { name: "QR code to scan with your authenticator app" })).toBeVisible();
  expect(await seriousViolations(admin), "enrolment with the QR code").toEqual([]);
  const secret = (await secretText.innerText()).replace(/\s/g, "");
  await tabTo(admin, admin.getByLabel("Code from your app"));
  await admin.keyboard.type("000000");
  await admin.keyboard.press("Enter");
  await expect(admin.getByText("That code is not right.")).toBeVisible();
  await admin.getByLabel("Code from your app").fill("");
  await admin.keyboard.type(await generate({ secret }));
  await admin.keyboard.press("Enter");
  const codes = admin.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  expect(await seriousViolations(admin), "recovery codes").toEqual([]);
  const recoveryCode = (await codes.first().innerText()).trim();
  await tabTo(admin, admin.getByRole("link", { name: "I have saved them: continue" }));
  await admin.keyboard.press("Enter");
  await expect(admin.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(admin).not.toHaveURL(/two-factor/);

  // Next sign-in asks for a code: a wrong one is refused, a recovery code works once.
  await admin.context().clearCookies();
  const signIn = new SignInPage(admin);
  await signIn.goto();
  await signIn.fill(people.admin.email, people.admin.password);
  await expect(admin.getByLabel("Authentication code")).toBeVisible();
  await admin.getByLabel("Authentication code").fill("123456");
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(signIn.errorMessage()).toHaveText(/That code is not right/);
  await admin.getByLabel("Authentication code").fill(recoveryCode);
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.getByRole("navigation", { name: "Main" })).toBeVisible();
  await admin.context().clearCookies();
  await signIn.goto();
  await signIn.fill(people.admin.email, people.admin.password);
  await admin.getByLabel("Authentication code").fill(recoveryCode);
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(signIn.errorMessage()).toHaveText(/already been used/);
  await admin
    .getByLabel("Authentication code")
    .fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.getByRole("navigation", { name: "Main" })).toBeVisible();

  // The admin brings in a technician and a doctor.
  const technicianLink = await createPerson(admin, people.technician, "technician");
  const doctorLink = await createPerson(admin, people.doctor, "doctor");
  await admin.goto("/admin/people");
  const table = admin.getByRole("table", { name: "People" });
  for (const person of Object.values(people))
    await expect(table.getByRole("row").filter({ hasText: person.email })).toBeVisible();
  expect(await seriousViolations(admin), "/admin/people").toEqual([]);
  await table.getByRole("link", { name: `Manage ${people.doctor.email}` }).click();
  await expect(admin.getByRole("heading", { name: people.doctor.name, level: 1 })).toBeVisible();
  expect(await seriousViolations(admin), "person page").toEqual([]);

  // The technician uploads; the doctor reads the report.
  const technician = await setPasswordAndSignIn(browser, technicianLink, people.technician);
  await expect(technician.getByRole("navigation", { name: "Main" })).toBeVisible();
  const { patientName, accession } = await uploadAndAwaitReport(technician, {
    prefix: "ADM",
    patient: { givenName: "Mary", familyName: "Somerville", birthDate: "1980-12-26", sex: "female" },
  });
  const doctor = await setPasswordAndSignIn(browser, doctorLink, people.doctor);
  await expect(doctor.getByRole("navigation", { name: "Main" })).toBeVisible();
  await doctor.goto(`/patients?q=${encodeURIComponent(accession)}`);
  await doctor.getByRole("link", { name: patientName }).click();
  await doctor
    .getByRole("list", { name: "Lab results, newest first" })
    .getByRole("link", { name: /^Open report version 1/ })
    .click();
  const viewer = new ReportViewerPage(doctor);
  await viewer.expectLoaded(accession);
  // Rendering a PDF page can take a while on a busy machine.
  await expect(
    viewer.pageArea("Interpretation report").getByText(`Reference ID: ${accession}`, { exact: true }),
  ).toBeVisible({ timeout: 30_000 });

  // The Docus connection, as the lab's admin sees it after the send.
  await admin.goto("/admin/docus");
  await expect(admin.getByRole("heading", { name: "Docus connection", level: 1 })).toBeVisible();
  await expect(admin.getByText("Last successful send")).toBeVisible();
  expect(await seriousViolations(admin), "/admin/docus").toEqual([]);
  await admin.setViewportSize({ width: 1280, height: 800 });
  await admin.screenshot({ path: "test-results/screens/docus-connection.png", fullPage: true });
  await admin.goto("/admin/people");
  await admin.screenshot({ path: "test-results/screens/people.png", fullPage: true });
  await admin.setViewportSize({ width: 390, height: 844 });
  await admin.screenshot({ path: "test-results/screens/people-phone.png", fullPage: true });
  await admin.goto("/admin/docus");
  await admin.screenshot({ path: "test-results/screens/docus-connection-phone.png", fullPage: true });

  // A used link is refused with a clear message.
  await doctor.goto(doctorLink);
  await expect(doctor.getByRole("alert").filter({ hasText: "already been used" })).toBeVisible();
});

test("an admin cannot create an operator, and a technician cannot open the people page", async ({ page, browser }) => {
  await new SignInPage(page).signInAs("admin");
  await page.goto("/admin/people");
  await expect(page.getByLabel("Role").locator("option")).toHaveText(["admin", "technician", "doctor"]);
  const context = await browser.newContext();
  const technician = await context.newPage();
  await new SignInPage(technician).signInAs("technician");
  expect((await technician.goto("/admin/people"))?.status()).toBe(403);
  await context.close();
});
