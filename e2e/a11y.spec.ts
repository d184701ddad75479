import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { SignInPage } from "./pages/sign-in-page";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

test("the sign-in page has no serious or critical accessibility violation", async ({ page }) => {
  await new SignInPage(page).goto();
  expect(await seriousViolations(page)).toEqual([]);
});

test("the shell and every page of the admin's navigation have none either", async ({ page }) => {
  await new SignInPage(page).signInAs("admin");
  for (const path of ["/", "/upload", "/lab-results", "/patients", "/admin"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await seriousViolations(page), path).toEqual([]);
  }
});

test("the shell can be used with the keyboard alone", async ({ page }) => {
  await new SignInPage(page).signInAs("doctor");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  // Move through the header to the navigation and open "Patients" with Enter.
  for (let i = 0; i < 10; i++) {
    if (await page.getByRole("link", { name: "Patients" }).evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press("Tab");
  }
  await expect(page.getByRole("link", { name: "Patients" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/patients");
});
