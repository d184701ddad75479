import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { PDFDocument } from "pdf-lib";
import { signWebhook } from "@/lib/docus/wire";
import { E2E_DELIVERY_SECRET, E2E_WEBHOOK_SECRET } from "./fixtures/accounts";
import { unique } from "./fixtures/ids";
import { labResultPdf } from "./fixtures/pdfs";
import { simFault } from "./fixtures/simulator";
import { SignInPage } from "./pages/sign-in-page";
import { openLabResult } from "./pages/lab-results";
import { UploadPage } from "./pages/upload-page";

/** Black-box tests of POST /api/docus/reports against the built portal. */

let pdfBase64 = "";
test.beforeAll(async () => {
  const doc = await PDFDocument.create();
  doc.addPage().drawText("Interpretation report");
  pdfBase64 = Buffer.from(await doc.save()).toString("base64");
});

type DeliveryOptions = {
  secret?: string | null;
  webhookSecret?: string;
  timestamp?: number;
  webhookId?: string;
  contentType?: string;
  /** Sign these bytes but send `send` instead (tampering). */
  send?: string;
};

function body(fields: Record<string, unknown>): string {
  return JSON.stringify(fields);
}

function reportBody(referenceId: string, extra: Record<string, unknown> = {}): string {
  return body({
    patient_id: "DELIVERY-PATIENT",
    reference_id: referenceId,
    partner_lab_id: "e2e-lab-a",
    file_base64: { mime_type: "application/pdf", content: pdfBase64, file_name: "interpretation.pdf" },
    ...extra,
  });
}

async function deliver(request: APIRequestContext, raw: string, options: DeliveryOptions = {}) {
  const id = options.webhookId ?? `msg_${unique("e2e")}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook(options.webhookSecret ?? E2E_WEBHOOK_SECRET, id, timestamp, raw),
  };
  if (options.secret !== null) headers["x-api-key"] = options.secret ?? E2E_DELIVERY_SECRET;
  return request.post("/api/docus/reports", { headers, data: Buffer.from(options.send ?? raw) });
}

/** How many unmatched reports with this reference id the admin's triage list shows. */
async function unmatchedCount(page: Page, referenceId: string): Promise<number> {
  await page.goto("/admin/deliveries");
  return page
    .getByRole("table", { name: "Unmatched reports" })
    .getByRole("row")
    .filter({ hasText: referenceId })
    .count();
}

test.describe("the delivery endpoint", () => {
  let admin: Page;
  let operator: Page;
  test.beforeAll(async ({ browser }) => {
    admin = await (await browser.newContext()).newPage();
    await new SignInPage(admin).signInAs("admin");
    operator = await (await browser.newContext()).newPage();
    await new SignInPage(operator).signInAs("operator");
  });
  test.afterAll(async () => {
    await admin.context().close();
    await operator.context().close();
  });

  test("a valid delivery answers 200 and stores one report; the same again stores nothing new", async ({ request }) => {
    const ref = unique("DLV");
    const raw = reportBody(ref);
    const first = await deliver(request, raw, { webhookId: `msg_${ref}` });
    expect(first.status()).toBe(200);
    expect(await first.json()).toMatchObject({ status: "success" });
    const again = await deliver(request, raw, { webhookId: `msg_${ref}` });
    expect(again.status()).toBe(200);
    expect(await unmatchedCount(admin, ref)).toBe(1);
  });

  test("twenty identical deliveries in parallel store one report", async ({ request }) => {
    const ref = unique("PAR");
    const raw = reportBody(ref);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => deliver(request, raw, { webhookId: `msg_${ref}` })),
    );
    expect(responses.map((r) => r.status())).toEqual(Array(20).fill(200));
    expect(await unmatchedCount(admin, ref)).toBe(1);
  });

  test("authentication failures answer 401 and store nothing", async ({ request }) => {
    const ref = unique("AUTH");
    const raw = reportBody(ref);
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Promise<{ status(): number }>]> = [
      ["wrong shared secret", deliver(request, raw, { secret: "not-the-secret-at-all" })],
      ["missing shared secret", deliver(request, raw, { secret: null })],
      ["wrong webhook secret", deliver(request, raw, { webhookSecret: "whsec_d3JvbmctZTJlLXNlY3JldA==" })],
      ["timestamp 10 minutes old", deliver(request, raw, { timestamp: now - 600 })],
      ["timestamp 10 minutes ahead", deliver(request, raw, { timestamp: now + 600 })],
      ["one flipped byte", deliver(request, raw, { send: raw.replace("DELIVERY-PATIENT", "DELIVERY-PATIENS") })],
      ["re-serialised JSON", deliver(request, raw, { send: JSON.stringify(JSON.parse(raw), null, 2) })],
    ];
    for (const [name, pending] of cases) expect((await pending).status(), name).toBe(401);
    const unsigned = await request.post("/api/docus/reports", {
      headers: { "content-type": "application/json", "x-api-key": E2E_DELIVERY_SECRET },
      data: raw,
    });
    expect(unsigned.status()).toBe(401);
    expect(await unmatchedCount(admin, ref)).toBe(0);
  });

  test("bad bodies get the right 4xx", async ({ request }) => {
    const ref = unique("BAD");
    expect((await deliver(request, "{not json")).status()).toBe(400);
    expect((await deliver(request, body({ reference_id: ref, file_base64: { content: pdfBase64 } }))).status()).toBe(
      400,
    );
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]).toString("base64");
    expect(
      (
        await deliver(request, reportBody(ref, { file_base64: { mime_type: "application/pdf", content: png } }))
      ).status(),
    ).toBe(422);
    expect(
      (
        await deliver(
          request,
          reportBody(ref, {
            file_base64: { mime_type: "application/pdf", content: `${pdfBase64.slice(0, 40)}*${pdfBase64.slice(41)}` },
          }),
        )
      ).status(),
    ).toBe(422);
    expect((await deliver(request, reportBody(ref), { contentType: "text/plain" })).status()).toBe(415);
    const huge = reportBody(ref, { padding: "x".repeat(1.5 * 1024 * 1024) });
    expect((await deliver(request, huge)).status()).toBe(413);
    expect((await request.get("/api/docus/reports")).status()).toBe(405);
    expect(await unmatchedCount(admin, ref)).toBe(0);
  });

  test("an unknown partner lab id is stored for the operator alone, who hands it to a lab; the deliveries log shows every attempt", async ({
    request,
  }) => {
    const ref = unique("UNK");
    expect((await deliver(request, reportBody(ref, { partner_lab_id: "no-such-lab" }))).status()).toBe(200);
    // No lab's admin sees a report of an unknown lab, nor its delivery.
    expect(await unmatchedCount(admin, ref)).toBe(0);
    await expect(
      admin
        .getByRole("table", { name: /Delivery attempts/ })
        .getByRole("row")
        .filter({ hasText: ref }),
    ).toHaveCount(0);

    await operator.goto("/admin/deliveries");
    const waiting = operator
      .getByRole("table", { name: "Reports of an unknown lab" })
      .getByRole("row")
      .filter({ hasText: ref });
    await expect(waiting).toHaveCount(1);
    const log = operator.getByRole("table", { name: /Delivery attempts/ });
    await expect(log.getByRole("row").filter({ hasText: ref }).first()).toContainText("accepted");
    // The status cell, not any text: a row's hashed idempotency key may contain "401" too.
    const status401 = operator.getByRole("cell", { name: "401", exact: true });
    await expect(log.getByRole("row").filter({ has: status401 }).first()).toContainText("refused");
    await operator.screenshot({ path: "test-results/screens/operator-deliveries.png", fullPage: true });

    // The operator runs labs and people (the Admin page), but has no lab's patient data.
    expect(
      (await operator.request.get(`/api/patients/search?q=${encodeURIComponent("DELIVERY-PATIENT")}`)).status(),
    ).toBe(403);
    expect((await operator.request.get("/api/lab-results")).status()).toBe(403);

    await waiting.getByLabel("Lab to hand this report to").selectOption({ label: "E2E Lab A (e2e-lab-a)" });
    await waiting.getByRole("button", { name: "Hand to lab" }).click();
    // Handed over, it leaves the operator's list and joins lab A's unmatched reports.
    await expect(waiting).toHaveCount(0);
    expect(await unmatchedCount(admin, ref)).toBe(1);
    await admin.screenshot({ path: "test-results/screens/admin-deliveries.png", fullPage: true });
  });
});

test.describe("the round trip with the simulated Docus", () => {
  test.beforeEach(async () => {
    await simFault({ reset: true });
  });

  async function uploadInterpret(page: Page, accession: string) {
    await new SignInPage(page).signInAs("technician");
    const upload = new UploadPage(page);
    await upload.goto();
    const patientId = unique("RT");
    await upload.submit({
      patient: {
        patientId,
        givenName: "Round",
        familyName: "Trip",
        birthDate: "1990-02-03",
        sex: "other",
      },
      accession,
      files: [await labResultPdf(`${accession}.pdf`, `Complete blood count for ${patientId}`)],
    });
    // The report may already have arrived by the time the row is looked at.
    await expect(upload.row(`${accession}.pdf`).getByText(/^(Accepted|Report ready)$/)).toBeVisible();
    return upload;
  }

  test("an upload with Interpret gets its report back: report ready and a notification, without reloading", async ({
    page,
  }) => {
    const accession = unique("LOOP");
    const upload = await uploadInterpret(page, accession);
    await upload.expectReportReady(`${accession}.pdf`, 15_000);
    const toast = page.getByRole("status").filter({ hasText: "Interpretation report ready" });
    // The badge and toasts poll every 10 s (lib/lab-results/poll-interval.ts).
    await expect(toast).toBeVisible({ timeout: 25_000 });
    await expect(toast).toContainText(accession);
    await expect(page.getByTestId("report-badge")).toBeVisible();
    await page.screenshot({ path: "test-results/screens/report-notification.png", fullPage: true });
    await toast.getByRole("link", { name: "Open" }).click();
    await expect(page.getByRole("heading", { name: `Accession ${accession}` })).toBeVisible();
    const open = page.getByRole("link", { name: /Open report/ });
    await expect(open).toBeVisible();
    await page.screenshot({ path: "test-results/screens/lab-result-with-report.png", fullPage: true });
    // "Open report" opens the inline viewer; its PDF comes from the report's document route.
    const reportId = /^\/reports\/([0-9a-f-]{36})$/.exec((await open.getAttribute("href")) ?? "")?.[1];
    expect(reportId).toBeDefined();
    const pdf = await page.request.get(`/api/reports/${reportId}/document`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  });

  test("deliverTwice stores one report", async ({ page }) => {
    await simFault({ deliverTwice: true });
    const accession = unique("TWICE");
    const upload = await uploadInterpret(page, accession);
    await upload.expectReportReady(`${accession}.pdf`, 15_000);
    await page.waitForTimeout(2000);
    await openLabResult(page, accession);
    await expect(page.getByRole("link", { name: /Open report/ })).toHaveCount(1);
  });

  test("badSignature stores nothing, and the simulator's retries are logged as refused", async ({ page, browser }) => {
    // A refused delivery names no lab it could be trusted for: the platform operator sees it.
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await new SignInPage(admin).signInAs("operator");
    const refusedRows = async () => {
      await admin.goto("/admin/deliveries");
      return admin
        .getByRole("table", { name: /Delivery attempts/ })
        .getByRole("row")
        .filter({ hasText: "refused" })
        .filter({ has: admin.getByRole("cell", { name: "401", exact: true }) })
        .count();
    };
    const before = await refusedRows();
    await simFault({ badSignature: true });
    const accession = unique("BADSIG");
    const upload = await uploadInterpret(page, accession);
    // The simulator retries (1 s, 2 s, …); each attempt must be refused and logged.
    await expect.poll(refusedRows, { timeout: 20_000 }).toBeGreaterThanOrEqual(before + 2);
    await expect(upload.row(`${accession}.pdf`).getByText("Accepted", { exact: true })).toBeVisible();
    await openLabResult(page, accession);
    await expect(page.getByText("No report yet.")).toBeVisible();
    await adminContext.close();
  });
});
