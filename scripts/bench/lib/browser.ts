import { chromium, type Browser, type Page } from "@playwright/test";
import { benchPerson } from "./uploads";

/** Chromium driving the real pages, as a user would: launching it, signing in, filling the upload page. */

/**
 * Chromium for a benchmark. With `ownSignals` (the default) the benchmark's own signal
 * handlers clean up, since Playwright's would exit before they finish; Playwright still
 * kills the browser when the process exits.
 */
export function launchChromium(executablePath: string, { ownSignals = true } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-gpu",
    ],
    ...(ownSignals ? { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false } : {}),
  });
}

export type Account = { email: string; password: string };

/** Signs in on /sign-in and waits for the portal's main navigation. */
export async function signIn(page: Page, account: Account): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

export type NewPatientUpload = {
  patientId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  accession: string;
  files: string | string[];
};

/** Opens /upload and fills it for a new (female) patient, "Interpret", with the files chosen; does not send. */
export async function fillNewPatientUpload(page: Page, upload: NewPatientUpload): Promise<void> {
  await page.goto("/upload");
  await page.getByRole("heading", { name: "Upload lab results", level: 1 }).waitFor();
  await page.getByRole("button", { name: "New patient" }).click();
  await page.getByLabel("Patient id").fill(upload.patientId);
  await page.getByLabel("Given name").fill(upload.givenName);
  await page.getByLabel("Family name").fill(upload.familyName);
  await page.getByLabel("Birth date").fill(upload.birthDate);
  await page.getByLabel("Sex").selectOption("female");
  await page.getByLabel("Accession number").fill(upload.accession);
  await page.getByRole("radio", { name: "Interpret" }).check();
  await page.getByLabel("PDF files").setInputFiles(upload.files);
}

/**
 * Signs in and uploads one small PDF through the real upload page in Chromium (so that the
 * page's own request to the upload route is seen to work), and takes the signed-in
 * session's cookies for the benchmark's own requests.
 */

export type RecordedAction = { cookieHeader: string };

export type RecordOptions = {
  baseUrl: string;
  chromiumPath: string;
  email: string;
  password: string;
  pdfPath: string;
  accession: string;
  patientId: string;
  timeoutMs?: number;
};

export async function recordUploadAction(options: RecordOptions): Promise<RecordedAction> {
  const timeout = options.timeoutMs ?? 30_000;
  const browser = await launchChromium(options.chromiumPath);
  try {
    const context = await browser.newContext({ baseURL: options.baseUrl });
    context.setDefaultTimeout(timeout);
    const page = await context.newPage();

    await signIn(page, options);
    await fillNewPatientUpload(page, {
      patientId: options.patientId,
      // The same person as the benchmark's own uploads for this patient id.
      givenName: benchPerson.givenName,
      familyName: benchPerson.familyName,
      birthDate: benchPerson.birthDate,
      accession: options.accession,
      files: options.pdfPath,
    });

    const upload = page.waitForRequest(
      (request) => request.method() === "POST" && new URL(request.url()).pathname === "/api/uploads",
    );
    await page.getByRole("button", { name: "Send to Docus" }).click();
    await upload;
    await page
      .getByRole("list", { name: "Chosen files" })
      .getByRole("listitem")
      .getByText("Accepted", { exact: true })
      .waitFor();

    const cookies = await context.cookies(options.baseUrl);
    return { cookieHeader: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ") };
  } finally {
    await browser.close();
  }
}
