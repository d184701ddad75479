import { describe, expect, it } from "vitest";
import {
  apiKey,
  auth,
  authKey,
  deliverySecret,
  fault,
  file,
  labPdf,
  labPdfBase64,
  labPdfSha256,
  listing,
  post,
  simUrl,
  teamId,
  webhookSecret,
  setUpSimulator,
} from "./test-harness.ts";
import type { SimRequestRecord } from "./simulator.ts";

setUpSimulator();

describe("the control endpoints", () => {
  it("never lists content or credentials", async () => {
    const notes = "Sodium 140 mmol/L, potassium 4.1 mmol/L";
    expect(
      (await post("/lab-results/not-interpret", { patient_id: "P-14", data: notes, file_base64: file })).status,
    ).toBe(201);
    const response = await fetch(`${simUrl}/__sim/requests`);
    const text = await response.text();
    const [request] = (JSON.parse(text) as { requests: SimRequestRecord[] }).requests;
    expect(request).toMatchObject({
      patient_id: "P-14",
      fileName: "cbc-panel.pdf",
      size: labPdf.length,
      sha256: labPdfSha256,
      dataLength: notes.length,
    });
    for (const secret of [
      labPdfBase64,
      labPdfBase64.slice(0, 20),
      notes,
      apiKey,
      teamId,
      authKey,
      deliverySecret,
      webhookSecret,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("a 429 with retryAfterBody answers as Docus does: the wait in the body, no Retry-After header", async () => {
    await fault({ status: 429, count: 1, retryAfterBody: 60, message: "Too many requests" });
    const response = await fetch(`${simUrl}/lab-results`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ patient_id: "P-1", reference_id: "R-1", file_base64: file }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(await response.json()).toEqual({ error: "Too many requests", statusCode: 429, retry_after: 60 });
  });

  it("queues faults, applies them in order and resets", async () => {
    const queued = await fault({ status: 503, count: 2, retryAfter: 7 });
    expect(queued).toEqual({
      ok: true,
      faults: [{ kind: "status", status: 503, retryAfter: "7", retryAfterBody: null, message: null, remaining: 2 }],
    });
    await fault({ status: 400, message: "Duplicate accession" });
    const withDelivery = await fault({ deliverTwice: true, count: 2 });
    expect(withDelivery.faults).toHaveLength(3);

    const body = { patient_id: "P-15", file_base64: file };
    const first = await post("/lab-results/not-interpret", body);
    expect([first.status, first.headers.get("retry-after")]).toEqual([503, "7"]);
    expect((await post("/lab-results/not-interpret", body)).status).toBe(503);
    const third = await post("/lab-results/not-interpret", body);
    expect([third.status, await third.json()]).toEqual([400, { message: "Duplicate accession" }]);
    expect((await post("/lab-results/not-interpret", body)).status).toBe(201);

    const { requests } = await listing();
    expect(requests.map((r) => [r.status, r.fault])).toEqual([
      [503, "status"],
      [503, "status"],
      [400, "status"],
      [201, null],
    ]);
    // Faulted requests are still recorded with their metadata.
    expect(requests.every((r) => r.patient_id === "P-15" && r.sha256 === labPdfSha256)).toBe(true);

    const reset = await fault({ reset: true });
    expect(reset).toEqual({ ok: true, faults: [] });
    expect(await listing()).toEqual({ requests: [], deliveries: [] });
  });

  it("refuses unknown or malformed faults", async () => {
    for (const body of ['{"explode":true}', '{"status":200}', '{"hang":true,"count":0}', "nope"]) {
      const response = await post("/__sim/faults", body, { "content-type": "application/json" });
      expect(response.status).toBe(400);
    }
    expect((await fault({ reset: true })).faults).toEqual([]);
  });

  it("hangs and drops on request", async () => {
    await fault({ drop: true });
    await expect(post("/lab-results", { patient_id: "P-16", file_base64: file })).rejects.toThrow();
    await fault({ hang: true });
    await expect(
      fetch(`${simUrl}/lab-results`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ patient_id: "P-16", file_base64: file }),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toMatchObject({ name: "TimeoutError" });
    expect((await listing()).requests.map((r) => [r.fault, r.status])).toEqual([
      ["drop", null],
      ["hang", null],
    ]);
  });
});
