import { readFileSync } from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import Papa from "papaparse";
import { seriousViolations } from "./fixtures/a11y";
import { e2eLabs, type AccountKey } from "./fixtures/accounts";
import { uploadAndAwaitReport } from "./fixtures/interpreted-upload";
import { screenshotWideAndPhone } from "./fixtures/screens";
import { AppShell } from "./pages/app-shell";
import { openLabResult } from "./pages/lab-results";
import { SignInPage } from "./pages/sign-in-page";

/**
 * Turnaround analytics: a doctor of Lab A sees the stage counts grow by exactly what
 * happened in Lab A (two interpreted uploads through the simulated Docus, one report
 * opened), not by what happened in Lab B meanwhile; downloads the CSV; the page is axe
 * clean. A technician is refused the page and the CSV.
 */

const STAGES = {
  sent: "Uploaded → sent",
  accepted: "Sent → accepted",
  delivered: "Accepted → report delivered",
  opened: "Delivered → first opened",
  overall: "Uploaded → report delivered (end to end)",
} as const;
type Counts = Record<keyof typeof STAGES, number>;

async function signedIn(browser: Browser, who: AccountKey): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await new SignInPage(page).signInAs(who);
  return page;
}

function summary(page: Page) {
  return page.getByRole("table", { name: /^Turnaround by stage over the last 12 weeks/ });
}

/** The Count column of each stage in the summary table, as the page shows them. */
async function stageCounts(page: Page): Promise<Counts> {
  await page.goto("/analytics");
  await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
  const counts = {} as Counts;
  for (const [key, label] of Object.entries(STAGES) as [keyof Counts, string][]) {
    const row = summary(page)
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: label, exact: true }) });
    const text = await row.getByRole("cell").first().textContent();
    counts[key] = Number((text ?? "").replace(/,/g, ""));
    expect(Number.isInteger(counts[key]), `count of ${label}: ${text}`).toBe(true);
  }
  return counts;
}

test("a doctor sees Lab A's turnaround grow by Lab A's work only, downloads the CSV, and the page is accessible", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const doctor = await signedIn(browser, "doctor");
  const doctorB = await signedIn(browser, "doctorB");
  const beforeA = await stageCounts(doctor);
  const beforeB = await stageCounts(doctorB);

  // Lab A: two interpreted uploads, each sent, accepted and answered by the simulated Docus.
  const technician = await signedIn(browser, "technician");
  const patient = { givenName: "Tara", familyName: "Turnaround", birthDate: "1975-05-05", sex: "female" } as const;
  const first = await uploadAndAwaitReport(technician, { prefix: "ANA", patient });
  await uploadAndAwaitReport(technician, { prefix: "ANB", patient });
  // Lab B: one more, by the admin working in Lab B.
  const admin = await signedIn(browser, "admin");
  await admin.goto("/");
  await new AppShell(admin).labSwitcher().selectOption({ label: e2eLabs.b.name });
  await expect(admin.getByRole("banner").getByText("Administrator", { exact: true })).toBeVisible();
  await uploadAndAwaitReport(admin, { prefix: "ANL", patient });

  // The doctor opens the first report of Lab A: its first opening.
  await openLabResult(doctor, first.accession);
  const reportHref = await doctor.locator('a[href^="/reports/"]').first().getAttribute("href");
  expect(reportHref).toMatch(/^\/reports\/[0-9a-f-]{36}$/);
  expect((await doctor.request.get(`/api${reportHref}/document`)).status()).toBe(200);

  const afterA = await stageCounts(doctor);
  expect(afterA).toEqual({
    sent: beforeA.sent + 2,
    accepted: beforeA.accepted + 2,
    delivered: beforeA.delivered + 2,
    opened: beforeA.opened + 1,
    overall: beforeA.overall + 2,
  });
  // Lab B's doctor sees Lab B's upload, and nothing of Lab A's.
  const afterB = await stageCounts(doctorB);
  expect(afterB).toMatchObject({
    sent: beforeB.sent + 1,
    accepted: beforeB.accepted + 1,
    delivered: beforeB.delivered + 1,
    opened: beforeB.opened,
  });

  // Sign-off is a recorded stage (none signed off in this journey yet).
  await expect(
    summary(doctor)
      .getByRole("row")
      .filter({ has: doctor.getByRole("rowheader", { name: "Opened → signed off" }) }),
  ).not.toContainText("Not recorded yet");
  // The weekly table beside the chart holds this week's spans (the newest week is its first row).
  await doctor.getByRole("link", { name: STAGES.sent, exact: true }).click();
  await expect(doctor).toHaveURL(/\/analytics\?stage=sent$/);
  const weekly = doctor.getByRole("table", { name: `${STAGES.sent} by week (week starting Monday, UTC)` });
  await expect(weekly.getByRole("row")).toHaveCount(13);
  const thisWeek = Number((await weekly.getByRole("row").nth(1).getByRole("cell").first().textContent()) ?? "");
  expect(thisWeek).toBeGreaterThanOrEqual(2);
  await expect(doctor.getByRole("figure")).toBeVisible();

  expect(await seriousViolations(doctor)).toEqual([]);
  await screenshotWideAndPhone(doctor, "analytics");

  // The CSV: the header, and the end-to-end row of the whole window with the page's count.
  const [download] = await Promise.all([
    doctor.waitForEvent("download"),
    doctor.getByRole("link", { name: /^Download CSV/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^turnaround-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = Papa.parse<string[]>(readFileSync(await download.path(), "utf8").trim(), { newline: "\r\n" }).data;
  expect(rows[0]).toEqual([
    "stage",
    "week_starting",
    "count",
    "within_target",
    "share_within_target",
    "median_hours",
    "p90_hours",
    "p95_hours",
    "target_hours",
  ]);
  const overall = rows.find((r) => r[0] === STAGES.overall && r[1] === "all");
  expect(overall?.[2]).toBe(String(afterA.overall));
  expect(Number(overall?.[3])).toBeLessThanOrEqual(afterA.overall);
  expect(rows.find((r) => r[0] === "Opened → signed off")?.[1]).toBe("all");
  // 6 recorded stages (sign-off included) × (whole window + 12 weeks).
  expect(rows).toHaveLength(1 + 6 * 13);
});

test("a technician is refused the analytics page and its CSV, and has no Analytics link", async ({ page }) => {
  await new SignInPage(page).signInAs("technician");
  expect(await new AppShell(page).navLabels()).not.toContain("Analytics");
  expect((await page.goto("/analytics"))?.status()).toBe(403);
  expect((await page.request.get("/api/analytics/csv")).status()).toBe(403);
});
