import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E_BASE_PORT, E2E_BASE_SIM_PORT } from "./fixtures/accounts";
import { screenshotWideAndPhone } from "./fixtures/screens";
import { waitForPortal } from "./fixtures/portal-process";
import { SignInPage } from "./pages/sign-in-page";
import { UploadPage } from "./pages/upload-page";
import { labResultPdf } from "./fixtures/pdfs";
import { unique } from "./fixtures/ids";

/**
 * The portal as a newcomer meets it: `npm start` (scripts/start.ts) with no configuration
 * on a fresh embedded database, on a port of its own. The start seeds the demo data and
 * prints the demo accounts with the demo admin's authenticator secret; each role then sees
 * a working portal at once: the admin reaches the admin pages with a code computed from the
 * printed secret, the doctor sees patients, reports and an amended one, the technician a
 * result held by the wrong-patient guard.
 */

test.describe.configure({ mode: "serial" });
test.use({ reducedMotion: "reduce" });

const PORT = E2E_BASE_PORT + 7;
const SIM_PORT = E2E_BASE_SIM_PORT + 7;
const dataDir = path.join(process.cwd(), ".data", `demo-${PORT}-pglite`);
const demo = {
  admin: { email: "admin@demo.lab", password: "demo-admin-pass" },
  doctor: { email: "doctor@demo.lab", password: "demo-doctor-pass" },
  technician: { email: "technician@demo.lab", password: "demo-technician-pass" },
};

let child: ChildProcess;
let output = "";
/** The accession the technician's test sent, for the restart test to find again. */
let sentAccession: string | null = null;

/** `npm start`'s script in a newcomer's environment, in a process group of its own. */
function startDemo(): ChildProcess {
  // A newcomer's environment: no database, no secrets, no Docus settings.
  const started = spawn(process.execPath, [path.join(process.cwd(), "scripts", "start.ts")], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(PORT),
      DOCUS_SIM_PORT: String(SIM_PORT),
      PGLITE_DATA_DIR: dataDir,
    } as Record<string, string | undefined> as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  started.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  started.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return started;
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}.lock`, { force: true });
  child = startDemo();
  try {
    await waitForPortal(`http://localhost:${PORT}`, 240_000);
  } catch (error) {
    console.error(output.slice(-4000));
    throw error;
  }
});

test.afterAll(async () => {
  if (child?.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

/** The demo admin's authenticator secret as the start printed it. */
function printedSecret(): string {
  const match = /Authenticator secret of admin@demo\.lab: ([A-Z2-7]{16,})/.exec(output);
  if (!match) throw new Error(`The start printed no authenticator secret:\n${output.slice(-3000)}`);
  return match[1]!;
}

async function signIn(page: Page, account: { email: string; password: string }, totpSecret: string | null = null) {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn(account.email, account.password, { totpSecret });
}

test.use({ baseURL: `http://localhost:${PORT}` });

test("the start prints the demo accounts and the demo admin's authenticator secret with its otpauth URI", () => {
  expect(output).toContain("Seeded the demo labs and accounts.");
  expect(output).toMatch(/Seeded \d+ demo lab results\./);
  for (const account of Object.values(demo)) expect(output).toContain(`${account.email}`);
  expect(output).toContain(demo.admin.password);
  const secret = printedSecret();
  expect(output).toContain(`otpauth://totp/`);
  expect(output).toContain(`secret=${secret}`);
});

test("the demo admin signs in with a code from the printed secret and reaches the admin pages", async ({ page }) => {
  await signIn(page, demo.admin, printedSecret());
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await screenshotWideAndPhone(page, "demo-admin-dashboard");
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Administration" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Labs" })).toBeVisible();
  await expect(page.getByRole("main").getByText("Demo Reference Lab").first()).toBeVisible();
  await screenshotWideAndPhone(page, "demo-admin-pages");
});

test("the demo doctor sees patients, reports ready and an amended report in two versions", async ({ page }) => {
  await signIn(page, demo.doctor);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  // New reports for the doctor, straight away.
  await expect(page.getByText("Accession DEMO-ACC-1001", { exact: true })).toBeVisible();
  await screenshotWideAndPhone(page, "demo-doctor-dashboard");

  await page.goto("/patients");
  for (const name of ["Brooks", "Moreau", "Okafor", "Novak"]) await expect(page.getByText(name).first()).toBeVisible();

  await page.goto("/lab-results");
  await expect(page.getByTestId("lab-result-row").filter({ hasText: "Report ready" }).first()).toBeVisible();
  const amended = page.getByTestId("lab-result-row").filter({ hasText: "DEMO-ACC-1004" });
  await expect(amended).toContainText("Report ready");
  await amended.getByRole("link", { name: /Details of DEMO-ACC-1004/ }).click();
  await expect(page.getByText("Version 2", { exact: true })).toBeVisible();
  await expect(page.getByText("Version 1", { exact: true })).toBeVisible();
  await screenshotWideAndPhone(page, "demo-doctor-amended");
});

test("the demo technician sees the result the wrong-patient guard held", async ({ page }) => {
  await signIn(page, demo.technician);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await screenshotWideAndPhone(page, "demo-technician-dashboard");
  await page.goto("/lab-results");
  const held = page.getByTestId("lab-result-row").filter({ hasText: "DEMO-ACC-1009" });
  await expect(held).toContainText("Needs confirmation");
  await expect(held).toContainText("Novak");
  await held.getByRole("link", { name: /Review DEMO-ACC-1009/ }).click();
  await expect(page.getByText(/labels patient id DEMO-1010/).first()).toBeVisible();
  await screenshotWideAndPhone(page, "demo-technician-held");
});

test("on the embedded database, the demo technician sends two PDFs for a new patient and both reports come back", async ({
  page,
}) => {
  // The newcomer's first real task, on what `npm start` runs by default: one process, the
  // embedded database and the simulated Docus in it (the rest of the suite runs on PostgreSQL
  // in CI). Upload, queue, send, delivery, the delivered report's text check: all on PGlite.
  test.setTimeout(120_000);
  const patientId = unique("DEMO-NEW");
  const files = [
    await labResultPdf("demo-new-cbc.pdf", "Complete blood count", 1, patientId),
    await labResultPdf("demo-new-lipids.pdf", "Lipid panel", 2, patientId),
  ];
  await signIn(page, demo.technician);
  const upload = new UploadPage(page);
  await upload.goto();
  const accession = unique("DEMO-ACC");
  sentAccession = accession;
  await upload.submit({
    patient: { patientId, givenName: "Ines", familyName: "Castillo", birthDate: "1983-02-17", sex: "female" },
    accession,
    files,
  });
  await upload.expectReportReady("demo-new-cbc.pdf", 60_000);
  await upload.expectReportReady("demo-new-lipids.pdf", 60_000);
  await page.goto("/lab-results");
  const rows = page.getByTestId("lab-result-row").filter({ hasText: accession });
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) {
    await expect(row).toContainText("Report ready");
    await expect(row).toContainText("Castillo");
  }
});

test("killed with SIGKILL and started again at once, the embedded portal opens its database with the day's work in it", async ({
  page,
}) => {
  // A crash and an immediate restart, as a supervisor or a person does it. The killed
  // process is not collected by its parent (this test) for a few seconds: it stays a
  // zombie that still "holds" the embedded database's lock while the new start reaches
  // the lock (within a second or two here). The new start must see that its holder is
  // gone, open the database (PostgreSQL's own recovery runs on PGlite's files), and find
  // everything sent before the crash. (db/pglite-lock.test.ts checks the lock itself.)
  test.setTimeout(180_000);
  expect(sentAccession, "the technician's test ran first").not.toBeNull();
  const killed = child;
  const gone = new Promise((resolve) => killed.once("exit", resolve));
  const before = output.length;
  process.kill(-killed.pid!, "SIGKILL");
  child = startDemo();
  // Blocks this worker's event loop, where Node collects its exited children.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
  await gone;
  try {
    await waitForPortal(`http://localhost:${PORT}`, 120_000);
  } catch (error) {
    console.error(output.slice(before).slice(-4000));
    throw error;
  }
  expect(output.slice(before)).not.toContain("Could not open the database");
  await signIn(page, demo.technician);
  await page.goto("/lab-results");
  const rows = page.getByTestId("lab-result-row").filter({ hasText: sentAccession! });
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) await expect(row).toContainText("Report ready");
});
