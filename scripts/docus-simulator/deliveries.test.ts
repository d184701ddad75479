import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  answerNextDeliveriesWith,
  auth,
  delivered,
  fault,
  file,
  labPdf,
  labPdfSha256,
  listing,
  pdfText,
  post,
  sleep,
  startSimulator,
  waitFor,
  setUpSimulator,
} from "./test-harness.ts";

setUpSimulator();

describe("report delivery", () => {
  it("delivers a signed, shared-secret-authenticated interpretation PDF", async () => {
    const response = await post("/lab-results", {
      patient_id: "P-123",
      reference_id: "ACC-9",
      partner_lab_id: "lab-2",
      data: "fasting",
      file_base64: file,
    });
    expect(response.status).toBe(201);
    await waitFor(() => delivered.length === 1);
    const [delivery] = delivered;
    if (!delivery) throw new Error("no delivery");

    expect(delivery.signatureOk).toBe(true);
    expect(delivery.secretOk).toBe(true);
    expect(delivery.headers["content-type"]).toBe("application/json");
    expect(delivery.headers["webhook-id"]).toMatch(/^msg_[A-Za-z0-9_-]{10,}$/);
    expect(Math.abs(Number(delivery.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(10);

    const { file_base64: report, ...ids } = delivery.body as { file_base64: Record<string, string> } & Record<
      string,
      unknown
    >;
    expect(ids).toEqual({ patient_id: "P-123", reference_id: "ACC-9", partner_lab_id: "lab-2" });
    expect(report.mime_type).toBe("application/pdf");
    expect(report.file_name).toBe("interpretation-ACC-9.pdf");
    const pdf = Buffer.from(report.content ?? "", "base64");
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");

    const text = await pdfText(pdf);
    for (const expected of [
      "Interpretation report",
      "Patient",
      "Patient ID: P-123",
      "Accession",
      "Reference ID: ACC-9",
      "Partner lab ID: lab-2",
      "Summary",
      'The lab result file "cbc-panel.pdf" was received and reviewed.',
      `Size: ${labPdf.length} bytes`,
      `SHA-256: ${labPdfSha256}`,
      "Findings",
      "Recommendations",
      "SIMULATED REPORT, NOT FOR CLINICAL USE.",
    ]) {
      expect(text).toContain(expected);
    }

    const { deliveries } = await listing();
    expect(deliveries).toMatchObject([
      {
        deliveryId: delivery.headers["webhook-id"],
        patient_id: "P-123",
        reference_id: "ACC-9",
        attempt: 1,
        copy: 1,
        status: 200,
        pdfSha256: createHash("sha256").update(pdf).digest("hex"),
      },
    ]);
  });

  it("delivers for data-only submissions, quoting the data's length, and echoes only what was submitted", async () => {
    expect((await post("/lab-results", { patient_id: "P-7", data: "Hb 13.2 g/dL" })).status).toBe(201);
    await waitFor(() => delivered.length === 1);
    const body = delivered[0]?.body as { file_base64: { content: string; file_name: string } };
    expect(Object.keys(body).sort()).toEqual(["file_base64", "patient_id"]);
    expect(body.file_base64.file_name).toBe("interpretation.pdf");
    expect(await pdfText(Buffer.from(body.file_base64.content, "base64"))).toContain(
      "Structured lab data of 12 characters was received and reviewed.",
    );
  });

  it("delivers nothing for /lab-results/not-interpret", async () => {
    expect((await post("/lab-results/not-interpret", { patient_id: "P-8", file_base64: file })).status).toBe(201);
    await sleep(300);
    expect(delivered).toEqual([]);
    expect((await listing()).deliveries).toEqual([]);
  });

  it("retries a failed delivery with the same webhook-id", async () => {
    answerNextDeliveriesWith([503, 500]);
    expect((await post("/lab-results", { patient_id: "P-9", file_base64: file })).status).toBe(201);
    await waitFor(() => delivered.length === 3);
    expect(delivered.map((d) => d.answered)).toEqual([503, 500, 200]);
    expect(new Set(delivered.map((d) => d.headers["webhook-id"])).size).toBe(1);
    expect(new Set(delivered.map((d) => d.raw.toString("base64"))).size).toBe(1);
    await waitFor(async () => (await listing()).deliveries.length === 3);
    expect((await listing()).deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 503],
      [2, 500],
      [3, 200],
    ]);
  });

  it("gives up after maxDeliveryAttempts", async () => {
    answerNextDeliveriesWith([503, 503, 503, 503]);
    expect((await post("/lab-results", { patient_id: "P-10", file_base64: file })).status).toBe(201);
    await waitFor(async () => (await listing()).deliveries.length === 3);
    await sleep(200);
    expect(delivered).toHaveLength(3);
  });

  it("deliverTwice sends the same delivery twice", async () => {
    await fault({ deliverTwice: true });
    expect((await post("/lab-results", { patient_id: "P-11", reference_id: "ACC-11", file_base64: file })).status).toBe(
      201,
    );
    await waitFor(() => delivered.length === 2);
    const [first, second] = delivered;
    expect(first?.raw.equals(second?.raw ?? Buffer.alloc(0))).toBe(true);
    expect(first?.headers["webhook-id"]).toBe(second?.headers["webhook-id"]);
    expect(delivered.every((d) => d.signatureOk && d.secretOk && d.answered === 200)).toBe(true);
    // The fault applies once: the next submission is delivered once.
    expect((await post("/lab-results", { patient_id: "P-12", file_base64: file })).status).toBe(201);
    await waitFor(() => delivered.length === 3);
    await sleep(200);
    expect(delivered).toHaveLength(3);
  });

  it("badSignature's delivery fails verification", async () => {
    await fault({ badSignature: true });
    expect((await post("/lab-results", { patient_id: "P-13", file_base64: file })).status).toBe(201);
    await waitFor(async () => (await listing()).deliveries.length === 3);
    expect(delivered.length).toBe(3);
    for (const delivery of delivered) {
      expect(delivery.signatureOk).toBe(false);
      expect(delivery.secretOk).toBe(false);
      expect(delivery.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(delivery.answered).toBe(401);
    }
    expect((await listing()).deliveries.every((d) => d.badSignature && d.status === 401)).toBe(true);
  });

  it("outOfOrder lets a later delivery overtake the next one", async () => {
    await fault({ outOfOrder: true });
    expect((await post("/lab-results", { patient_id: "P-A", reference_id: "first", file_base64: file })).status).toBe(
      201,
    );
    expect((await post("/lab-results", { patient_id: "P-B", reference_id: "second", file_base64: file })).status).toBe(
      201,
    );
    await waitFor(() => delivered.length === 2);
    expect(delivered.map((d) => d.body.reference_id)).toEqual(["second", "first"]);
    expect(delivered.every((d) => d.signatureOk && d.answered === 200)).toBe(true);
  });
});

describe("close()", () => {
  it("ends hung requests and pending deliveries promptly", async () => {
    const other = startSimulator({ delayMs: 60_000 });
    const port = await other.listen(0);
    const url = `http://127.0.0.1:${port}`;
    expect(
      (
        await fetch(`${url}/lab-results`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ patient_id: "P-17", file_base64: file }),
        })
      ).status,
    ).toBe(201);
    await fetch(`${url}/__sim/faults`, { method: "POST", body: JSON.stringify({ hang: true }) });
    const hung = fetch(`${url}/lab-results`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ patient_id: "P-18", file_base64: file }),
    });
    const hungOutcome = hung.then(
      () => "answered",
      () => "failed",
    );
    await sleep(100);

    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await hungOutcome).toBe("failed");
    expect(other.server.listening).toBe(false);
    expect(delivered).toEqual([]);
  });
});
