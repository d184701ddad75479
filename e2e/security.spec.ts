import { expect, test } from "@playwright/test";
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

test("every page gets its own CSP nonce, and the page's scripts carry it", async ({ page, request }) => {
  const first = (await request.get("/sign-in")).headers()["content-security-policy"];
  const second = (await request.get("/sign-in")).headers()["content-security-policy"];
  expect(first).not.toBe(second);
  const response = await page.goto("/sign-in");
  const nonce = /'nonce-([^']+)'/.exec(response?.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  const scripts = await page.locator("script[src]").evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
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
