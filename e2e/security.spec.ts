import { expect, test } from "@playwright/test";
import { E2E_PASSWORD, E2E_PORT, accounts } from "./fixtures/accounts";
import { AppShell } from "./pages/app-shell";
import { SignInPage } from "./pages/sign-in-page";

function expectBaseline(headers: Record<string, string>) {
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-powered-by"]).toBeUndefined();
}

test("pages and API responses carry the security headers", async ({ request }) => {
  for (const path of ["/sign-in", "/api/health", "/api/me"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expectBaseline(response.headers());
  }
  const redirect = await request.get("/patients", { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expectBaseline(redirect.headers());
});

test("a set-password page's response itself says no-referrer, so that its token never leaves in a Referer", async ({
  request,
}) => {
  const response = await request.get(`/set-password/${"A".repeat(43)}`, { maxRedirects: 0 });
  expect(response.status()).toBe(200);
  const headers = response.headers();
  // One header, not a list with the baseline's value in it: a browser would take the last it understands.
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  // Other pages keep the baseline.
  expect((await request.get("/sign-in")).headers()["referrer-policy"]).toBe("strict-origin-when-cross-origin");
});

test("every page gets its own CSP nonce, and the page's scripts carry it", async ({ page, request }) => {
  const first = (await request.get("/sign-in")).headers()["content-security-policy"];
  const second = (await request.get("/sign-in")).headers()["content-security-policy"];
  expect(first).not.toBe(second);
  const response = await page.goto("/sign-in");
  const nonce = /'nonce-([^']+)'/.exec(response?.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  const scripts = await page
    .locator("script[src]")
    .evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  for (const n of scripts) expect(n).toBe(nonce);
});

test("the session cookie is HttpOnly and SameSite=Lax", async ({ page, context }) => {
  await new SignInPage(page).signInAs("doctor");
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
  expect(cookie).toBeDefined();
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
});

test("health answers 200 with the database status", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", db: "ok" });
});

test("after sign-in only paths of the portal's own origin are followed (no open redirect)", async ({ page }) => {
  await new SignInPage(page).signInAs("doctor");
  for (const callbackUrl of ["/%09/example.org", "//example.org", "/%5Cexample.org", "https://example.org/"]) {
    const response = await page.request.get(`/sign-in?callbackUrl=${callbackUrl}`, { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    expect(response.headers()["location"]).toBe("/");
  }
  const own = await page.request.get(`/sign-in?callbackUrl=${encodeURIComponent("/lab-results?status=failed")}`, {
    maxRedirects: 0,
  });
  expect(own.headers()["location"]).toBe("/lab-results?status=failed");
});

test("a fresh sign-in with a hostile callbackUrl lands on the portal", async ({ page }) => {
  await page.goto("/sign-in?callbackUrl=/%09/example.org");
  await new SignInPage(page).fill(accounts.doctor.email, E2E_PASSWORD);
  await expect(page).toHaveURL(`http://localhost:${E2E_PORT}/`);
});

test("a sign-in form that repeats the email is refused before any account is tried", async ({ request }) => {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  for (let i = 0; i < 9; i++) {
    const body = `email=decoy${i}%40x.test&email=${encodeURIComponent(accounts.rateLimitedTwo.email)}&password=wrong-password&csrfToken=${csrfToken}&json=true`;
    const response = await request.post("/api/auth/callback/credentials", {
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Auth-Return-Redirect": "1" },
      data: body,
    });
    expect(response.status()).toBe(400);
  }
  // None of them reached next-auth or used up the account's attempts: the password still works.
  const response = await request.post("/api/auth/callback/credentials", {
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Auth-Return-Redirect": "1" },
    data: new URLSearchParams({
      email: accounts.rateLimitedTwo.email,
      password: E2E_PASSWORD,
      csrfToken,
      json: "true",
    }).toString(),
  });
  expect(response.status()).toBe(200);
});

test("signing out ends the session on the server: a copied cookie is refused", async ({ page, context, browser }) => {
  await new SignInPage(page).signInAs("doctor");
  const copied = (await context.cookies()).filter((c) => c.name.endsWith("next-auth.session-token"));
  expect(copied).toHaveLength(1);
  await new AppShell(page).signOut();

  const thief = await browser.newContext({ baseURL: `http://localhost:${E2E_PORT}` });
  await thief.addCookies(copied);
  const me = await thief.request.get("/api/me");
  expect(me.status()).toBe(401);
  await thief.close();
});

test("'Sign out everywhere' ends the user's sessions on every device", async ({ page, browser }) => {
  await new SignInPage(page).signInAs("technician", { form: true });
  const other = await browser.newContext({ baseURL: `http://localhost:${E2E_PORT}` });
  const otherPage = await other.newPage();
  await new SignInPage(otherPage).signInAs("technician", { form: true });
  expect((await other.request.get("/api/me")).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  expect((await page.request.get("/api/me")).status()).toBe(401);
  expect((await other.request.get("/api/me")).status()).toBe(401);
  await other.close();
});

test("every page says the simulated Docus is not for clinical use", async ({ page }) => {
  await page.goto("/sign-in");
  await expect(page.getByRole("alert").filter({ hasText: "Simulated Docus: not for clinical use" })).toBeVisible();
  await new SignInPage(page).signInAs("doctor");
  await expect(page.getByRole("alert").filter({ hasText: "Simulated Docus: not for clinical use" })).toBeVisible();
});

test.describe("the portal's own server in front of Next.js", () => {
  test("a client cannot choose its address: a made-up X-Forwarded-For is replaced by the socket's", async ({
    playwright,
    browser,
  }) => {
    const spoofed = "203.0.113.77";
    const request = await playwright.request.newContext({
      baseURL: `http://localhost:${E2E_PORT}`,
      extraHTTPHeaders: { "x-forwarded-for": spoofed, "x-real-ip": spoofed },
    });
    const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const signIn = await request.post("/api/auth/callback/credentials", {
      form: { email: accounts.technician.email, password: E2E_PASSWORD, csrfToken: csrf.csrfToken, json: "true" },
    });
    expect(signIn.status()).toBe(200);
    await request.dispose();

    // The lab's admin reads the trail: the technician's sign-in carries the socket's address.
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await new SignInPage(admin).signInAs("admin");
    const today = new Date().toISOString().slice(0, 10);
    const csv = await admin.request.get(`/api/admin/audit?from=${today}&to=${today}`);
    expect(csv.status()).toBe(200);
    const signIns = (await csv.text())
      .split("\r\n")
      .filter((line) => line.includes(`"allowed","auth.sign_in","${accounts.technician.email}"`));
    expect(signIns.length).toBeGreaterThan(0);
    expect(signIns.some((line) => line.includes(spoofed))).toBe(false);
    expect(signIns.some((line) => /,"(127\.0\.0\.1|::1)",/.test(line))).toBe(true);
    await adminContext.close();
  });
  // Bodies without a session (64 KB at most): e2e/request-guards.spec.ts.
});
