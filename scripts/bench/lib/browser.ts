import { chromium } from "@playwright/test";

/**
 * Signs in and uploads one small PDF through the real upload page in Chromium, to learn
 * the upload server action's id (the `next-action` header the page sends) and to take
 * the signed-in session's cookies for the benchmark's own requests.
 */

export type RecordedAction = { actionId: string; cookieHeader: string };

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
  const browser = await chromium.launch({
    executablePath: options.chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-gpu",
    ],
    // The benchmark's own signal handlers clean up; Playwright's would exit before they finish.
    // Playwright still kills the browser when the process exits.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  try {
    const context = await browser.newContext({ baseURL: options.baseUrl });
    context.setDefaultTimeout(timeout);
    const page = await context.newPage();

    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(options.email);
    await page.getByLabel("Password").fill(options.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();

    await page.goto("/upload");
    await page.getByRole("heading", { name: "Upload lab results", level: 1 }).waitFor();
    await page.getByRole("button", { name: "New patient" }).click();
    await page.getByLabel("Patient id").fill(options.patientId);
    await page.getByLabel("Given name").fill("Bench");
    await page.getByLabel("Family name").fill("Recorder");
    await page.getByLabel("Birth date").fill("1980-01-01");
    await page.getByLabel("Sex").selectOption("female");
    await page.getByLabel("Accession number").fill(options.accession);
    await page.getByRole("radio", { name: "Interpret" }).check();
    await page.getByLabel("PDF files").setInputFiles(options.pdfPath);

    const upload = page.waitForRequest(
      (request) =>
        request.method() === "POST" &&
        Boolean(request.headers()["next-action"]) &&
        (request.headers()["content-type"] ?? "").startsWith("multipart/form-data"),
    );
    await page.getByRole("button", { name: "Send to Docus" }).click();
    const actionId = (await upload).headers()["next-action"] ?? "";
    await page
      .getByRole("list", { name: "Chosen files" })
      .getByRole("listitem")
      .getByText("Accepted", { exact: true })
      .waitFor();

    const cookies = await context.cookies(options.baseUrl);
    return { actionId, cookieHeader: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ") };
  } finally {
    await browser.close();
  }
}
