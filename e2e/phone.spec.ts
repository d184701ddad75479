import { readdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { navItemsFor } from "@/components/shell/nav-items";
import { userRoles, type UserRole } from "@/lib/domain";
import type { AccountKey } from "./fixtures/accounts";
import { seriousViolations } from "./fixtures/a11y";
import { uploadAndAwaitReport } from "./fixtures/interpreted-upload";
import { screenshotWideAndPhone } from "./fixtures/screens";
import { AppShell } from "./pages/app-shell";
import { SignInPage } from "./pages/sign-in-page";

/**
 * The portal on a phone (390 × 844): every signed-in page of every role fits the screen's
 * width (only the PDF viewer's own box scrolls sideways), and the header's menu button
 * opens the navigation with every link of the role within reach.
 */

const PHONE = { width: 390, height: 844 };
const WIDE = { width: 1280, height: 800 };
/** The smallest touch target on a small screen (WCAG 2.5.5): nav links and buttons. */
const TOUCH = 44;

/** One prepared account per role; a role added to the portal must be given one here. */
const accountFor: Record<UserRole, AccountKey> = {
  operator: "operator",
  admin: "admin",
  technician: "technician",
  doctor: "doctor",
};

type Route = { pattern: string; regex: RegExp };

/**
 * The signed-in pages, as the app directory declares them (every page.tsx outside (auth)
 * and s/, the public share-link page, which e2e/share-links.spec.ts sees on a phone).
 */
function signedInRoutes(): Route[] {
  return readdirSync("app", { recursive: true, encoding: "utf8" })
    .map((file) => file.split(/[\\/]/))
    .filter((parts) => parts.at(-1) === "page.tsx" && parts[0] !== "(auth)" && parts[0] !== "s")
    .map((parts) => {
      const segments = parts.slice(0, -1).filter((segment) => !/^\(.*\)$/.test(segment));
      const pattern = `/${segments.join("/")}`;
      const source = segments
        .map((segment) => (/^\[.*\]$/.test(segment) ? "/[^/]+" : `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`))
        .join("");
      return { pattern, regex: new RegExp(`^${source}/?$`) };
    });
}

const routes = signedInRoutes();
const routeOf = (pathname: string) => routes.find((route) => route.regex.test(pathname));

/**
 * What scrolls sideways on the page as it is: the document, and any scroll box but the PDF
 * viewer's and a wide table's own (components/ui/table: a focusable region; tables do not
 * reflow into cards yet).
 */
async function sidewaysScroll(page: Page): Promise<{ document: number; boxes: string[] }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const boxes = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((el) => {
        const { overflowX } = getComputedStyle(el);
        return (
          (overflowX === "auto" || overflowX === "scroll") &&
          el.scrollWidth > el.clientWidth + 1 &&
          el.closest(".pdf-viewer-region") === null &&
          el.dataset.scrollBox !== "table"
        );
      })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth} > ${el.clientWidth})`);
    return { document: root.scrollWidth - root.clientWidth, boxes };
  });
}

/** Waits until the page has settled: its main heading, and nothing busy (the PDF viewer's pages drawn). */
async function settled(page: Page) {
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  // Visible only: on a phone the report page shows one document, the other's viewer waits hidden.
  await expect(page.locator('[aria-busy="true"]:visible')).toHaveCount(0, { timeout: 20_000 });
}

/** The checks of one page on a phone; the page is already open at the phone's size. */
async function checkOnPhone(page: Page, role: UserRole, label: string) {
  const shell = new AppShell(page);
  await settled(page);
  const scroll = await sidewaysScroll(page);
  expect.soft(scroll.document, `${label}: the document scrolls sideways`).toBeLessThanOrEqual(0);
  expect.soft(scroll.boxes, `${label}: boxes that scroll sideways`).toEqual([]);

  // Closed: the navigation is behind the menu button.
  const button = shell.menuButton();
  await expect(button).toHaveAttribute("aria-expanded", "false");
  await expect(shell.nav()).toBeHidden();
  expect.soft((await button.boundingBox())?.height ?? 0, `${label}: menu button`).toBeGreaterThanOrEqual(TOUCH);

  // Open: every link of the role is within reach, big enough for a finger.
  await shell.openMenu();
  const panel = page.locator(`#${await button.getAttribute("aria-controls")}`);
  await expect(panel).toBeVisible();
  for (const item of navItemsFor(role)) {
    const link = shell.nav().getByRole("link", { name: item.label, exact: true });
    await link.scrollIntoViewIfNeeded();
    await expect(link).toBeInViewport({ ratio: 1 });
    expect.soft((await link.boundingBox())?.height ?? 0, `${label}: ${item.label} link`).toBeGreaterThanOrEqual(TOUCH);
  }
  // The header's buttons in the menu too (sign out, sign out everywhere).
  for (const control of await panel.getByRole("button").all()) {
    const name = (await control.textContent())?.trim();
    expect.soft((await control.boundingBox())?.height ?? 0, `${label}: ${name}`).toBeGreaterThanOrEqual(TOUCH);
  }
  // The open menu must not widen the page either.
  expect.soft((await sidewaysScroll(page)).document, `${label}: with the menu open`).toBeLessThanOrEqual(0);

  // Escape closes it and gives the focus back to the button.
  await page.keyboard.press("Escape");
  await expect(button).toHaveAttribute("aria-expanded", "false");
  await expect(button).toBeFocused();
  await expect(shell.nav()).toBeHidden();
}

/** Route patterns checked, by any role. */
const checked = new Set<string>();
const screenshotted = new Set<string>();

/** Every page the role reaches: its navigation, then every page linked from those (one of each route). */
async function checkRole(page: Page, role: UserRole) {
  await page.setViewportSize(WIDE);
  await new SignInPage(page).signInAs(accountFor[role]);
  const shell = new AppShell(page);
  // Wide: the navigation is a column beside the page, no menu button.
  await expect(shell.menuButton()).toBeHidden();
  await expect(shell.nav()).toBeVisible();
  expect(await shell.navLabels()).toEqual(navItemsFor(role).map((item) => item.label));

  const queue = navItemsFor(role).map((item) => item.href);
  const seen = new Set<string>();
  await page.setViewportSize(PHONE);
  while (queue.length > 0) {
    const path = queue.shift() ?? "/";
    const route = routeOf(new URL(path, page.url()).pathname);
    if (!route || seen.has(route.pattern)) continue;
    seen.add(route.pattern);
    const response = await page.goto(path);
    expect(response?.status(), `${role}: ${path}`).toBe(200);
    await checkOnPhone(page, role, `${role} ${route.pattern}`);
    checked.add(route.pattern);

    if (!screenshotted.has(route.pattern)) {
      screenshotted.add(route.pattern);
      const name =
        route.pattern === "/" ? "dashboard" : route.pattern.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "");
      await page.setViewportSize(WIDE);
      await settled(page);
      await screenshotWideAndPhone(page, `phone-${name}`);
      await page.setViewportSize(PHONE);
    }

    const origin = new URL(page.url()).origin;
    const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    for (const href of hrefs) {
      if (!href) continue;
      const url = new URL(href, page.url());
      if (url.origin === origin && routeOf(url.pathname)) queue.push(`${url.pathname}${url.search}`);
    }
  }
  for (const item of navItemsFor(role)) expect(seen, `${role}: ${item.href}`).toContain(routeOf(item.href)?.pattern);

  // The menu open on a phone: no serious accessibility violation, and a link closes it.
  await page.goto("/account");
  await settled(page);
  await shell.openMenu();
  expect(await seriousViolations(page), `${role}: the open menu`).toEqual([]);
  await page.screenshot({ path: `test-results/screens/phone-menu-${role}.png`, fullPage: true });
  const target = navItemsFor(role).find((item) => item.href !== "/account") ?? navItemsFor(role)[0];
  if (!target) throw new Error(`${role} has no navigation`);
  const accountTitle = await page.title();
  await shell.nav().getByRole("link", { name: target.label, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${target.href === "/" ? "" : target.href}/?$`));
  // The account page's heading would pass settled() too.
  await shell.leftPage(accountTitle);
  await expect(shell.menuButton()).toHaveAttribute("aria-expanded", "false");
  await expect(shell.nav()).toBeHidden();
  await settled(page);
  expect(await seriousViolations(page), `${role}: ${target.href} on a phone`).toEqual([]);
}

test("every signed-in page of every role fits a phone, and its menu reaches every link", async ({ page, browser }) => {
  // Every page of four roles, each opened, measured and its menu worked, on a shared machine.
  test.setTimeout(600_000);
  // A lab result with its interpretation report, so that patient, lab result and report pages exist.
  const context = await browser.newContext();
  const technician = await context.newPage();
  await new SignInPage(technician).signInAs("technician");
  await uploadAndAwaitReport(technician, {
    prefix: "PHONE",
    patient: { givenName: "Mary", familyName: "Somerville-Fairfax", birthDate: "1980-12-26", sex: "female" },
  });
  await context.close();

  for (const role of userRoles) {
    await test.step(role, async () => {
      await page.context().clearCookies();
      await checkRole(page, role);
    });
  }
  // The pages are the app's: a page no role reaches by a link would not have been checked.
  expect([...checked].sort()).toEqual(routes.map((route) => route.pattern).sort());
});
