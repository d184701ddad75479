import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { textBombPdf, xlsxBomb } from "@/lib/testing/untrusted-files";
import { unique } from "./fixtures/ids";
import { simFault, simRequestsFor } from "./fixtures/simulator";
import { SignInPage } from "./pages/sign-in-page";
import { UploadPage } from "./pages/upload-page";
import { screenshotWideAndPhone } from "./fixtures/screens";

/**
 * Hostile files from outside: a PDF whose one content stream inflates to 60 MB of text
 * operators (the reported file), uploaded for a new patient, and an .xlsx manifest whose
 * sheet inflates to gigabytes. The portal keeps answering everyone while it looks at them,
 * and the technician gets a clear answer.
 */

const filesDir = path.join(process.cwd(), "test-results", "e2e-files");

/**
 * The slowest /api/health answer allowed while a hostile file is looked at: seconds, not the
 * milliseconds an idle machine shows. On the 2-core CI machine, with two portals and two
 * browsers busy, ordinary answers have taken just over 1 s; a file read on the server's own
 * thread would hold every answer for as long as the read. The event loop's own delay while
 * such files are read is bounded tightly, in-process, by lib/parse-worker/untrusted-files.test.ts.
 */
const SLOWEST_HEALTH_MS = 3_000;

/** Polls /api/health every 200 ms until stopped; the slowest answer in milliseconds. */
function pollHealth(request: APIRequestContext) {
  let running = true;
  let slowest = 0;
  let answered = 0;
  const done = (async () => {
    while (running) {
      const started = Date.now();
      const response = await request.get("/api/health", { timeout: 10_000 });
      expect(response.ok()).toBe(true);
      slowest = Math.max(slowest, Date.now() - started);
      answered++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return { slowest, answered };
    },
  };
}

test.beforeEach(async () => {
  await simFault({ reset: true });
});

test("a PDF that inflates to 60 MB of text is held as 'could not be checked' while /api/health keeps answering", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const bomb = await textBombPdf(60);
  expect(bomb.byteLength).toBeLessThan(1024 * 1024);
  mkdirSync(filesDir, { recursive: true });
  const file = path.join(filesDir, "inflating-result.pdf");
  writeFileSync(file, bomb);

  const upload = await UploadPage.signedIn(page);
  const accession = unique("ACC-BOMB");
  const health = pollHealth(request);
  await upload.submit({
    patient: {
      patientId: unique("PB"),
      givenName: "Mary",
      familyName: "Jackson",
      birthDate: "1971-04-09",
      sex: "female",
    },
    accession,
    files: [file],
  });
  const row = upload.row("inflating-result.pdf");
  await expect(row.getByText("Needs confirmation", { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(row).toContainText("Could not be checked: the PDF's text is too large to read.");
  await screenshotWideAndPhone(page, "upload-untrusted-held");
  const { slowest, answered } = await health.stop();
  // It kept answering throughout (one poll every 200 ms), and no answer waited on the file.
  expect(answered).toBeGreaterThan(3);
  expect(slowest).toBeLessThan(SLOWEST_HEALTH_MS);
  // Held, not sent unchecked.
  expect(await simRequestsFor(accession)).toHaveLength(0);
});

test("an .xlsx manifest whose sheet inflates to a gigabyte is refused from its zip directory", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  mkdirSync(filesDir, { recursive: true });
  const manifest = path.join(filesDir, "manifest-bomb.xlsx");
  // Under the server action's body limit (4 MB here), so that the server's check reads it too.
  const bomb = await xlsxBomb(1024, 6);
  expect(bomb.byteLength).toBeLessThan(4 * 1024 * 1024);
  writeFileSync(manifest, bomb);
  await new SignInPage(page).signInAs("technician");
  await page.goto("/upload?way=manifest");
  const health = pollHealth(request);
  await page.getByLabel("Manifest file (CSV or Excel .xlsx)").setInputFiles(manifest);
  await expect(
    page.getByText(/The manifest workbook unpacks to 1,024 MB, more than the 32 MB a manifest may take/).first(),
  ).toBeVisible({ timeout: 20_000 });
  const { slowest, answered } = await health.stop();
  expect(answered).toBeGreaterThan(0);
  expect(slowest).toBeLessThan(SLOWEST_HEALTH_MS);
});
