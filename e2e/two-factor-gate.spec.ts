import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { E2E_PASSWORD, accounts } from "./fixtures/accounts";
import { uploadAndAwaitReport } from "./fixtures/interpreted-upload";
import { SignInPage } from "./pages/sign-in-page";
import { screenshotWideAndPhone } from "./fixtures/screens";

/**
 * A password-only session of a user who must use two-factor sign-in but has not enrolled
 * (a new admin) gets no data from anywhere: not from a page's RSC payload (asked for the
 * way the Next client navigates, past the layouts), not from the API, not from a server
 * action. The same requests by the enrolled admin show that the data is there to leak.
 */

test.describe.configure({ mode: "serial" });

const ENROL_PATH = "/account/two-factor";

type Seeded = { patientName: string; familyName: string; patientId: string; labResultId: string; reportId: string };
let seeded: Seeded;

async function signedIn(browser: Browser, key: "admin" | "pendingAdmin"): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(accounts[key].email, E2E_PASSWORD, key === "pendingAdmin" ? { totpSecret: null } : {});
  return page;
}

/** The router state of a client that is on the dashboard: the (portal) layout already rendered. */
const DASHBOARD_TREE = encodeURIComponent(
  JSON.stringify(["", { children: ["(portal)", { children: ["(dashboard)", { children: ["__PAGE__", {}] }] }] }]),
);

/**
 * A client-side navigation's request: the page's RSC payload only, its layouts taken as
 * rendered. Next.js first answers with a redirect to the same path carrying the `_rsc`
 * hash of these headers (as its client computes it); that one is then asked.
 */
async function rscNavigation(request: APIRequestContext, path: string): Promise<{ status: number; body: string }> {
  const headers = { RSC: "1", "Next-Router-State-Tree": DASHBOARD_TREE, "Next-Url": "/" };
  let response = await request.get(path, { headers, maxRedirects: 0 });
  const location = response.headers()["location"] ?? "";
  if (response.status() === 307 && location.includes("_rsc=")) {
    response = await request.get(location, { headers, maxRedirects: 0 });
  }
  return { status: response.status(), body: await response.text() };
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await (await browser.newContext()).newPage();
  await new SignInPage(page).signInAs("technician");
  const familyName = `Gatekeeper${Date.now().toString(36)}`;
  const upload = await uploadAndAwaitReport(page, {
    prefix: "GATE",
    patient: { givenName: "Zelda", familyName, birthDate: "1979-03-14", sex: "female" },
  });
  const list = (await (await page.request.get("/api/lab-results")).json()) as {
    results: { id: string; accessionNumber: string }[];
  };
  const labResultId = list.results.find((r) => r.accessionNumber === upload.accession)?.id ?? "";
  expect(labResultId).not.toBe("");
  await page.goto(`/lab-results/${labResultId}`);
  const href = (await page.getByRole("link", { name: /Open report/ }).getAttribute("href")) ?? "";
  const reportId = /^\/reports\/([0-9a-f-]{36})$/.exec(href)?.[1] ?? "";
  expect(reportId).not.toBe("");
  seeded = { patientName: upload.patientName, familyName, patientId: upload.patientId, labResultId, reportId };
  await page.context().close();
});

test("a pending-enrolment session is sent to enrol, and a page's RSC payload carries no patient data", async ({
  browser,
}) => {
  const pending = await signedIn(browser, "pendingAdmin");
  await expect(pending).toHaveURL(new RegExp(`${ENROL_PATH}$`));
  const admin = await signedIn(browser, "admin");
  const pages = ["/patients", "/lab-results", `/lab-results/${seeded.labResultId}`, `/reports/${seeded.reportId}`];
  for (const path of pages) {
    // The enrolled admin's identical request carries the patient: there is something to leak.
    const shown = await rscNavigation(admin.request, path);
    expect(shown.status, path).toBe(200);
    expect(shown.body, path).toContain(seeded.familyName);

    const refused = await rscNavigation(pending.request, path);
    expect(refused.body, path).not.toContain(seeded.familyName);
    expect(refused.body, path).not.toContain(seeded.patientId);
    expect(refused.body, path).toContain(ENROL_PATH);
    // And the full page, as a browser opens it: the enrolment page.
    await pending.goto(path);
    await expect(pending).toHaveURL(new RegExp(`${ENROL_PATH}$`));
    await expect(pending.getByText(seeded.familyName)).toHaveCount(0);
  }
  await pending.context().close();
  await admin.context().close();
});

test("the API refuses a pending-enrolment session with 403 two_factor_required: audit, documents, patient search", async ({
  browser,
}) => {
  const pending = await signedIn(browser, "pendingAdmin");
  const today = new Date().toISOString().slice(0, 10);
  const paths = [
    `/api/admin/audit?from=${today}&to=${today}`,
    `/api/lab-results/${seeded.labResultId}/document`,
    `/api/reports/${seeded.reportId}/document`,
    `/api/patients/search?q=${encodeURIComponent(seeded.familyName)}`,
    "/api/lab-results",
    "/api/notifications",
    "/api/me",
  ];
  for (const path of paths) {
    const response = await pending.request.get(path);
    expect(response.status(), path).toBe(403);
    const body = await response.body();
    expect(body.includes(Buffer.from("%PDF-")), path).toBe(false);
    expect(body.toString("utf8"), path).not.toContain(seeded.familyName);
    expect((JSON.parse(body.toString("utf8")) as { error: { code: string } }).error.code, path).toBe(
      "two_factor_required",
    );
  }
  // The enrolment page itself stays open, without the portal's navigation or report notices.
  await pending.goto(ENROL_PATH);
  await expect(pending.getByRole("heading", { name: "Two-factor sign-in", level: 1 })).toBeVisible();
  await expect(pending.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveCount(0);
  await screenshotWideAndPhone(pending, "enrol-pending");
  await pending.context().close();
});

test("a server action refuses a pending-enrolment session: it does not run", async ({ browser }) => {
  // The enrolled admin switches lab: the request the browser sends for the action.
  const admin = await signedIn(browser, "admin");
  const sent = admin.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined);
  const switched = admin.waitForResponse((r) => r.request().headers()["next-action"] !== undefined);
  await admin.getByLabel("Lab", { exact: true }).selectOption({ label: "E2E Lab B" });
  const action = await sent;
  expect((await (await switched).headerValue("set-cookie")) ?? "").toContain("portal-lab=");
  const headers = action.headers();

  // The same action, sent with the pending admin's session: refused, no lab cookie set.
  const pending = await signedIn(browser, "pendingAdmin");
  const replay = await pending.request.post(new URL(action.url()).pathname, {
    headers: {
      "next-action": headers["next-action"]!,
      "content-type": headers["content-type"]!,
      accept: "text/x-component",
    },
    data: action.postDataBuffer() ?? Buffer.alloc(0),
    maxRedirects: 0,
  });
  expect(replay.headers()["set-cookie"] ?? "").not.toContain("portal-lab=");
  expect(JSON.stringify(replay.headers())).toContain(ENROL_PATH);
  await pending.context().close();
  await admin.context().close();
});
