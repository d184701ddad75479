import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PDFDocument, PDFRawStream, decodePDFRawStream } from "pdf-lib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDocusSimulator, type DocusSimulator, type SimDeliveryRecord, type SimRequestRecord } from "./simulator.ts";
import { verifyWebhook } from "@/lib/docus/webhook-signature";

const apiKey = "sim-api-key-0123456789";
const teamId = "sim-team-0042";
const authKey = "sim-auth-key-9876543210";
const deliveryHeader = "x-docus-delivery-key";
const deliverySecret = "delivery-secret-abcdefghij";
const webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const auth = { "x-api-key": apiKey, "x-team-id": teamId, "x-auth-key": authKey, "content-type": "application/json" };

const labPdf = Buffer.from(
  "%PDF-1.4\n% a lab result\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);
const labPdfBase64 = labPdf.toString("base64");
const labPdfSha256 = createHash("sha256").update(labPdf).digest("hex");
const file = { mime_type: "application/pdf", content: labPdfBase64, file_name: "cbc-panel.pdf" };

type Delivered = {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  body: Record<string, unknown>;
  signatureOk: boolean;
  secretOk: boolean;
  answered: number;
};

/** A stand-in for the portal's /api/docus/reports that authenticates like the portal. */
let receiver: http.Server;
let delivered: Delivered[] = [];
let nextStatuses: number[] = [];

let simulator: DocusSimulator;
let simUrl: string;

function post(path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${simUrl}${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function fault(body: unknown): Promise<{ ok: boolean; faults: unknown[] }> {
  const response = await post("/__sim/faults", body, { "content-type": "application/json" });
  expect(response.status).toBe(200);
  return (await response.json()) as { ok: boolean; faults: unknown[] };
}

async function listing(): Promise<{ requests: SimRequestRecord[]; deliveries: SimDeliveryRecord[] }> {
  const response = await fetch(`${simUrl}/__sim/requests`);
  expect(response.status).toBe(200);
  return (await response.json()) as { requests: SimRequestRecord[]; deliveries: SimDeliveryRecord[] };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for a condition.");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The text drawn on the pages of a pdf-lib document (Helvetica text is drawn as hex strings). */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(bytes);
  const parts: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    const content = Buffer.from(decodePDFRawStream(object).decode()).toString("latin1");
    for (const match of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      parts.push(Buffer.from(match[1] ?? "", "hex").toString("latin1"));
    }
  }
  return parts.join("\n");
}

function startSimulator(overrides: Partial<Parameters<typeof createDocusSimulator>[0]> = {}) {
  const port = (receiver.address() as AddressInfo).port;
  return createDocusSimulator({
    apiKey,
    teamId,
    authKey,
    deliveryUrl: `http://127.0.0.1:${port}/api/docus/reports`,
    delayMs: 20,
    deliveryHeader,
    deliverySecret,
    webhookSecret,
    maxDeliveryAttempts: 3,
    deliveryRetryBaseMs: 20,
    outOfOrderHoldMs: 3_000,
    ...overrides,
  });
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const header = (name: string) => {
        const value = req.headers[name];
        return typeof value === "string" ? value : null;
      };
      const signatureOk = verifyWebhook(
        webhookSecret,
        { id: header("webhook-id"), timestamp: header("webhook-timestamp"), signature: header("webhook-signature") },
        raw,
      ).ok;
      const secretOk = header(deliveryHeader) === deliverySecret;
      const answered = signatureOk && secretOk ? (nextStatuses.shift() ?? 200) : 401;
      delivered.push({
        headers: req.headers,
        raw,
        body: JSON.parse(raw.toString("utf8")) as Record<string, unknown>,
        signatureOk,
        secretOk,
        answered,
      });
      res.writeHead(answered, { "content-type": "application/json" });
      res.end(answered === 200 ? '{"status":"success"}' : '{"message":"no"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  simulator = startSimulator();
  simUrl = `http://127.0.0.1:${await simulator.listen(0)}`;
});

afterAll(async () => {
  await simulator.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(async () => {
  await fault({ reset: true });
  delivered = [];
  nextStatuses = [];
});

describe("the simulator's submission endpoints", () => {
  it("answers health checks, unknown paths and wrong methods", async () => {
    const health = await fetch(`${simUrl}/__sim/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const missing = await fetch(`${simUrl}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/json");
    expect(await missing.json()).toEqual({ message: "No such endpoint: GET /nowhere" });
    const wrongMethod = await fetch(`${simUrl}/lab-results`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
  });

  it("answers 401 without the three headers, and records which were present", async () => {
    const none = await post(
      "/lab-results",
      { patient_id: "P1", file_base64: file },
      { "content-type": "application/json" },
    );
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: "Missing or invalid x-api-key, x-team-id or x-auth-key." });
    const wrongTeam = await post(
      "/lab-results",
      { patient_id: "P1", file_base64: file },
      { ...auth, "x-team-id": "another-team" },
    );
    expect(wrongTeam.status).toBe(401);
    const { requests } = await listing();
    expect(requests.map((r) => [r.status, r.headersPresent])).toEqual([
      [401, { xApiKey: false, xTeamId: false, xAuthKey: false }],
      [401, { xApiKey: true, xTeamId: true, xAuthKey: true }],
    ]);
    // Nothing from an unauthenticated request is kept.
    expect(requests.every((r) => r.patient_id === null && r.sha256 === null)).toBe(true);
  });

  it.each([
    ["malformed JSON", "/lab-results", "{not json", "The request body is not valid JSON."],
    ["a body that is not an object", "/lab-results", [], "The request body must be a JSON object."],
    [
      "missing patient_id",
      "/lab-results",
      { file_base64: file },
      "patient_id is required and must be a non-empty string.",
    ],
    [
      "a blank patient_id",
      "/lab-results",
      { patient_id: "  ", file_base64: file },
      "patient_id is required and must be a non-empty string.",
    ],
    [
      "a numeric patient_id",
      "/lab-results",
      { patient_id: 12, file_base64: file },
      "patient_id is required and must be a non-empty string.",
    ],
    [
      "a numeric reference_id",
      "/lab-results",
      { patient_id: "P1", reference_id: 5, file_base64: file },
      "reference_id must be a string.",
    ],
    [
      "a null partner_lab_id",
      "/lab-results",
      { patient_id: "P1", partner_lab_id: null, file_base64: file },
      "partner_lab_id must be a string.",
    ],
    ["data that is not a string", "/lab-results", { patient_id: "P1", data: { hb: 12 } }, "data must be a string."],
    [
      "neither data nor file_base64",
      "/lab-results",
      { patient_id: "P1", reference_id: "A1" },
      "At least one of data or file_base64 must be provided.",
    ],
    [
      "empty data and no file",
      "/lab-results",
      { patient_id: "P1", data: "" },
      "At least one of data or file_base64 must be provided.",
    ],
    [
      "not-interpret without file_base64",
      "/lab-results/not-interpret",
      { patient_id: "P1", data: "Hb 13.2 g/dL" },
      "file_base64 is required for /lab-results/not-interpret.",
    ],
    [
      "file_base64 that is not an object",
      "/lab-results",
      { patient_id: "P1", file_base64: "JVBERi0=" },
      "file_base64 must be an object with mime_type, content and file_name.",
    ],
    [
      "a wrong mime type",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, mime_type: "image/png" } },
      'file_base64.mime_type must be "application/pdf".',
    ],
    [
      "empty content",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: "" } },
      "file_base64.content must be a non-empty base64 string.",
    ],
    [
      "content that is not base64",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: "not base64!" } },
      "file_base64.content is not valid base64.",
    ],
    [
      "base64 with a line break",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: `${labPdfBase64.slice(0, 8)}\n${labPdfBase64.slice(8)}` } },
      "file_base64.content is not valid base64.",
    ],
    [
      "base64 with non-zero padding bits",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: "JVBERi1=" } },
      "file_base64.content is not valid base64.",
    ],
    [
      "unpadded base64url",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: labPdf.toString("base64url").replace(/=+$/, "") } },
      "file_base64.content is not valid base64.",
    ],
    [
      "content that is not a PDF",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: Buffer.from("hello, world").toString("base64") } },
      "file_base64.content is not a PDF (it does not start with %PDF-).",
    ],
    [
      "an empty file_name",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, file_name: "" } },
      "file_base64.file_name must be a non-empty string.",
    ],
  ])("answers 400 for %s", async (_label, path, body, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message });
    const { requests, deliveries } = await listing();
    expect(requests.map((r) => [r.endpoint, r.status, r.message])).toEqual([[path, 400, message]]);
    expect(deliveries).toEqual([]);
  });

  it("answers 415 when the body is not sent as JSON", async () => {
    const response = await post(
      "/lab-results",
      { patient_id: "P1", file_base64: file },
      { ...auth, "content-type": "text/plain" },
    );
    expect(response.status).toBe(415);
  });

  it("answers 413 above the body limit", async () => {
    const small = startSimulator({ maxBodyBytes: 1024 });
    const port = await small.listen(0);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/lab-results`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ patient_id: "P1", data: "x".repeat(4096) }),
      });
      expect(response.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it.each([
    ["/lab-results", { patient_id: "P1", reference_id: "A1", file_base64: file }],
    ["/lab-results", { patient_id: "P1", data: "Hb 13.2 g/dL" }],
    ["/lab-results", { patient_id: "P1", data: "Hb 13.2 g/dL", file_base64: file, partner_lab_id: "lab-2" }],
    ["/lab-results/not-interpret", { patient_id: "P1", reference_id: "A1", file_base64: file }],
  ])("answers 201 on a valid submission to %s", async (path, body) => {
    const response = await post(path, body);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ message: "Lab results received" });
    const interpret = path === "/lab-results";
    if (interpret) await waitFor(() => delivered.length === 1);
    else await sleep(100);
    expect(delivered).toHaveLength(interpret ? 1 : 0);
  });
});

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
    nextStatuses = [503, 500];
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
    nextStatuses = [503, 503, 503, 503];
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
