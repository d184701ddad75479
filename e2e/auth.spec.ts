import { expect, test } from "@playwright/test";
import { E2E_PASSWORD, accounts, e2eLabs } from "./fixtures/accounts";
import { AppShell } from "./pages/app-shell";
import { SignInPage } from "./pages/sign-in-page";

const roleLabels = { admin: "Administrator", technician: "Lab technician", doctor: "Doctor" } as const;
const expectedNav = {
  admin: ["Dashboard", "Inbox", "Upload", "Lab results", "Patients", "Analytics", "Admin", "Account"],
  technician: ["Dashboard", "Upload", "Lab results", "Patients", "Account"],
  doctor: ["Dashboard", "Inbox", "Lab results", "Patients", "Analytics", "Account"],
} as const;

test.describe("signing in and out", () => {
  for (const key of ["admin", "technician", "doctor"] as const) {
    test(`${key} sees the shell and the ${key}'s navigation, then signs out`, async ({ page }) => {
      const signIn = new SignInPage(page);
      const shell = new AppShell(page);
      await signIn.signInAs(key, { form: true });
      await expect(page).toHaveURL("/");
      const header = page.getByRole("banner");
      await expect(header.getByText("Lab Results Portal")).toBeVisible();
      await expect(header.getByText(accounts[key].name)).toBeVisible();
      await expect(header.getByText(roleLabels[key], { exact: true })).toBeVisible();
      if (key === "admin") {
        // The admin belongs to two labs: the current one is the switcher's choice.
        await expect(shell.labSwitcher().locator("option:checked")).toHaveText(e2eLabs.a.name);
      } else {
        await expect(header.getByText(e2eLabs.a.name)).toBeVisible();
      }
      expect(await shell.navLabels()).toEqual(expectedNav[key]);
      for (const label of expectedNav[key]) {
        await shell.open(label);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      }
      await page.screenshot({ path: `test-results/screens/shell-${key}.png`, fullPage: true });
      await shell.signOut();
      await page.goto("/");
      await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2F/);
    });
  }

  test("a wrong password shows an error and no session", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.fill(accounts.doctor.email, "not-the-password");
    await expect(signIn.errorMessage()).toHaveText("The email or password is incorrect.");
    await page.screenshot({ path: "test-results/screens/sign-in-error.png" });
    await page.goto("/patients");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("an unknown email gets exactly the same answer as a wrong password", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.fill("nobody@e2e.test", "not-the-password");
    await expect(signIn.errorMessage()).toHaveText("The email or password is incorrect.");
  });

  test("an empty form is explained field by field", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Enter your email address.")).toBeVisible();
    await expect(page.getByText("Enter your password.")).toBeVisible();
  });

  test("a page without a session redirects to sign-in and returns there after signing in", async ({ page }) => {
    await page.goto("/lab-results");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Flab-results/);
    await page.screenshot({ path: "test-results/screens/sign-in.png" });
    await new SignInPage(page).fill(accounts.doctor.email, E2E_PASSWORD);
    await expect(page).toHaveURL("/lab-results");
    await expect(page.getByRole("heading", { name: "Lab results", level: 1 })).toBeVisible();
  });

  test("an API route without a session answers 401 JSON", async ({ request }) => {
    const response = await request.get("/api/me");
    expect(response.status()).toBe(401);
    expect(response.headers()["content-type"]).toContain("application/json");
    expect(await response.json()).toEqual({ error: { code: "unauthenticated", message: "Sign in to continue." } });
  });

  test("the signed-in API answers with the user's own labs only", async ({ page }) => {
    await new SignInPage(page).signInAs("doctorB");
    const response = await page.request.get("/api/me");
    expect(response.status()).toBe(200);
    const me = (await response.json()) as { email: string; labs: { name: string }[] };
    expect(me.email).toBe(accounts.doctorB.email);
    expect(me.labs.map((l) => l.name)).toEqual([e2eLabs.b.name]);
  });
});

test.describe("roles and labs", () => {
  test("a doctor cannot open the upload or admin pages", async ({ page }) => {
    await new SignInPage(page).signInAs("doctor");
    for (const path of ["/upload", "/admin"]) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
    }
    await page.screenshot({ path: "test-results/screens/forbidden.png" });
  });

  test("an admin of two labs switches the current lab", async ({ page }) => {
    await new SignInPage(page).signInAs("admin");
    const shell = new AppShell(page);
    await expect(shell.labSwitcher()).toHaveValue(/.+/);
    await shell.labSwitcher().selectOption({ label: e2eLabs.b.name });
    await expect(
      page.getByText(`Patients of ${e2eLabs.b.name}`).or(page.getByText(`${e2eLabs.b.name}: new reports for you`)),
    ).toBeVisible();
    await page.reload();
    await expect(shell.labSwitcher().locator("option:checked")).toHaveText(e2eLabs.b.name);
    await shell.labSwitcher().selectOption({ label: e2eLabs.a.name });
    await expect(page.getByText(`${e2eLabs.a.name}: new reports for you`)).toBeVisible();
  });

  test("a deactivated user's open session ends at once", async ({ browser }) => {
    const leaverContext = await browser.newContext();
    const leaver = await leaverContext.newPage();
    await new SignInPage(leaver).signInAs("deactivated");

    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await new SignInPage(admin).signInAs("admin");
    await admin.goto("/admin");
    await admin.screenshot({ path: "test-results/screens/admin.png", fullPage: true });
    await admin.getByRole("button", { name: `Deactivate ${accounts.deactivated.email}` }).click();
    await expect(admin.getByText("User deactivated; their sessions have ended.")).toBeVisible();

    await leaver.goto("/lab-results");
    await expect(leaver).toHaveURL(/\/sign-in/);
    // And the account can no longer sign in.
    await new SignInPage(leaver).fill(accounts.deactivated.email, E2E_PASSWORD);
    await expect(new SignInPage(leaver).errorMessage()).toHaveText("The email or password is incorrect.");

    // The lab's audit export has the (de)activation and the sign-in events: they carry the lab.
    const today = new Date().toISOString().slice(0, 10);
    const csv = await (await admin.request.get(`/api/admin/audit?from=${today}&to=${today}`)).text();
    const rows = csv.split("\n");
    expect(rows.some((r) => r.includes('"user.deactivate"') && r.includes(accounts.admin.email))).toBe(true);
    expect(rows.some((r) => r.includes('"denied","auth.sign_in"') && r.includes(accounts.deactivated.email))).toBe(
      true,
    );
    expect(rows.some((r) => r.includes('"allowed","auth.sign_in"') && r.includes(accounts.deactivated.email))).toBe(
      true,
    );
    await leaverContext.close();
    await adminContext.close();
  });
});

test.describe("rate limiting", () => {
  async function attempt(request: import("@playwright/test").APIRequestContext, password: string) {
    const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    return request.post("/api/auth/callback/credentials", {
      form: { email: accounts.rateLimited.email, password, csrfToken: csrf.csrfToken, json: "true" },
    });
  }

  test("the sixth failed sign-in for one account in 15 minutes answers 429 with Retry-After", async ({
    request,
    page,
  }) => {
    for (let i = 0; i < 5; i++) {
      expect((await attempt(request, `wrong-${i}`)).status()).toBe(401);
    }
    const limited = await attempt(request, "wrong-6");
    expect(limited.status()).toBe(429);
    const retryAfter = Number(limited.headers()["retry-after"]);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Even the right password is refused while the account is limited.
    expect((await attempt(request, E2E_PASSWORD)).status()).toBe(429);
    // The person sees why.
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.fill(accounts.rateLimited.email, E2E_PASSWORD);
    await expect(signIn.errorMessage()).toContainText("Too many failed sign-in attempts. Try again in 15 minutes.");
  });
});
