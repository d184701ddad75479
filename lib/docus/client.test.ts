import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  buildSubmissionBody,
  submissionPath,
  submitLabResult,
  type DocusCredentials,
  type LabResultSubmission,
  type SubmissionOutcome,
} from "./client";
import { createDocusSimulator, type DocusSimulator, type SimRequestRecord } from "@/scripts/docus-simulator/simulator";

const apiKey = "test-api-key-0123456789";
const teamId = "team-4242";
const authKey = "test-auth-key-9876543210";

const pdf = new TextEncoder().encode("%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
const pdfSha256 = createHash("sha256").update(pdf).digest("hex");

const submission: LabResultSubmission = {
  mode: "interpret",
  patientId: "P-0001",
  referenceId: "ACC-2025-0001",
  partnerLabId: "lab-7",
  notes: "Fasting sample",
  file: { bytes: pdf, fileName: "cbc.pdf", mimeType: "application/pdf" },
};

let simulator: DocusSimulator;
let receiver: http.Server;
let creds: DocusCredentials;
let simUrl: string;
/** Every message any submission returned, checked at the end for leaked credentials. */
const outcomes: SubmissionOutcome[] = [];

async function submit(
  overrides: Partial<LabResultSubmission> = {},
  options: Parameters<typeof submitLabResult>[2] = {},
  credentials: DocusCredentials = creds,
): Promise<SubmissionOutcome> {
  const outcome = await submitLabResult(credentials, { ...submission, ...overrides }, options);
  outcomes.push(outcome);
  return outcome;
}

async function control(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${simUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok).toBe(true);
  return response.json();
}

async function received(): Promise<SimRequestRecord[]> {
  const listing = (await control("/__sim/requests")) as { requests: SimRequestRecord[] };
  return listing.requests;
}

beforeAll(async () => {
  // Interpretation reports go to a receiver that acknowledges them, so deliveries do not retry.
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"success"}'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const receiverPort = (receiver.address() as AddressInfo).port;

  simulator = createDocusSimulator({
    apiKey,
    teamId,
    authKey,
    deliveryUrl: `http://127.0.0.1:${receiverPort}/api/docus/reports`,
    delayMs: 0,
    deliveryHeader: "x-api-key",
    deliverySecret: "delivery-secret-0123456789",
    maxDeliveryAttempts: 1,
  });
  const port = await simulator.listen(0);
  simUrl = `http://127.0.0.1:${port}`;
  creds = { apiUrl: `${simUrl}/`, apiKey, teamId, authKey };
});

afterAll(async () => {
  await simulator.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(async () => {
  await control("/__sim/faults", { reset: true });
});

describe("buildSubmissionBody", () => {
  it("maps a submission to Docus's field names", () => {
    expect(buildSubmissionBody(submission)).toEqual({
      patient_id: "P-0001",
      reference_id: "ACC-2025-0001",
      partner_lab_id: "lab-7",
      data: "Fasting sample",
      file_base64: { mime_type: "application/pdf", content: Buffer.from(pdf).toString("base64"), file_name: "cbc.pdf" },
    });
  });

  it("omits partner_lab_id and data when they are not given", () => {
    const body = buildSubmissionBody({ ...submission, partnerLabId: null, notes: null });
    expect(Object.keys(body).sort()).toEqual(["file_base64", "patient_id", "reference_id"]);
  });

  it("sends patient_email and physician_email only when they are filled in", () => {
    const filled = buildSubmissionBody({
      ...submission,
      patientEmail: "ada@example.org",
      physicianEmail: "dr.who@example.org",
    });
    expect(filled.patient_email).toBe("ada@example.org");
    expect(filled.physician_email).toBe("dr.who@example.org");
    const empty = buildSubmissionBody({ ...submission, patientEmail: "", physicianEmail: null });
    expect("patient_email" in empty).toBe(false);
    expect("physician_email" in empty).toBe(false);
  });

  it("encodes only the viewed bytes of a Uint8Array", () => {
    const padded = new Uint8Array(pdf.length + 8);
    padded.set(pdf, 4);
    const file = {
      bytes: padded.subarray(4, 4 + pdf.length),
      fileName: "cbc.pdf",
      mimeType: "application/pdf" as const,
    };
    const body = buildSubmissionBody({ ...submission, file });
    expect(body.file_base64?.content).toBe(Buffer.from(pdf).toString("base64"));
  });

  it("sends Base64 worked out earlier as it is, without encoding the bytes again", () => {
    const base64 = Buffer.from(pdf).toString("base64");
    const body = buildSubmissionBody({ ...submission, file: { ...submission.file!, base64 } });
    expect(body.file_base64?.content).toBe(base64);
  });

  it("chooses the endpoint by mode", () => {
    expect(submissionPath("interpret")).toBe("/lab-results");
    expect(submissionPath("store_only")).toBe("/lab-results/not-interpret");
  });
});

describe("submitLabResult against the simulator", () => {
  it("sends an interpret submission to /lab-results with the three headers and the body fields", async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push({ url: String(input), init: init ?? {} });
      return fetch(input, init);
    };
    const outcome = await submit({}, { fetchImpl: spy });
    expect(outcome).toEqual({
      kind: "accepted",
      status: 201,
      message: "Docus accepted the lab result (HTTP 201): Lab results received",
    });

    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call?.url).toBe(`${simUrl}/lab-results`);
    expect(call?.init.method).toBe("POST");
    const headers = new Headers(call?.init.headers);
    expect(headers.get("x-api-key")).toBe(apiKey);
    expect(headers.get("x-team-id")).toBe(teamId);
    expect(headers.get("x-auth-key")).toBe(authKey);
    expect(headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(String(call?.init.body))).toEqual(buildSubmissionBody(submission));

    const [request] = await received();
    expect(request).toMatchObject({
      endpoint: "/lab-results",
      status: 201,
      headersPresent: { xApiKey: true, xTeamId: true, xAuthKey: true },
      patient_id: "P-0001",
      reference_id: "ACC-2025-0001",
      partner_lab_id: "lab-7",
      fileName: "cbc.pdf",
      size: pdf.length,
      sha256: pdfSha256,
    });
  });

  it("sends a store-only submission to /lab-results/not-interpret", async () => {
    const outcome = await submit({ mode: "store_only", partnerLabId: null, notes: null });
    expect(outcome.kind).toBe("accepted");
    const requests = await received();
    expect(requests.map((r) => [r.endpoint, r.status, r.partner_lab_id])).toEqual([
      ["/lab-results/not-interpret", 201, null],
    ]);
  });

  it("classifies a hung request as transient once the timeout expires", async () => {
    await control("/__sim/faults", { hang: true, count: 1 });
    const started = Date.now();
    const outcome = await submit({}, { timeoutMs: 300 });
    expect(outcome).toEqual({ kind: "transient", message: "Docus did not answer in time (the request timed out)." });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await submit()).kind).toBe("accepted");
  });

  it("classifies a dropped connection as transient", async () => {
    await control("/__sim/faults", { drop: true, count: 1 });
    const outcome = await submit();
    expect(outcome.kind).toBe("transient");
    expect(outcome.status).toBeUndefined();
    expect(outcome.message).toMatch(/^Could not reach Docus/);
    expect((await received()).map((r) => r.fault)).toEqual(["drop"]);
  });

  it("classifies a 503 with Retry-After as transient with retryAfterMs", async () => {
    await control("/__sim/faults", { status: 503, count: 2, retryAfter: 2, message: "Down for maintenance" });
    for (let i = 0; i < 2; i++) {
      expect(await submit()).toEqual({
        kind: "transient",
        status: 503,
        retryAfterMs: 2_000,
        message: "Docus is temporarily unavailable (HTTP 503): Down for maintenance",
      });
    }
    expect((await submit()).kind).toBe("accepted");
    expect((await received()).map((r) => r.status)).toEqual([503, 503, 201]);
  });

  it("classifies a 400 as rejected invalid and keeps Docus's message", async () => {
    await control("/__sim/faults", { status: 400, count: 1, message: "reference_id already used" });
    expect(await submit()).toEqual({
      kind: "rejected",
      reason: "invalid",
      status: 400,
      message: "Docus rejected the lab result (HTTP 400): reference_id already used",
    });
  });

  it("classifies the simulator's own validation failure as rejected invalid", async () => {
    const outcome = await submit({ mode: "store_only", file: undefined });
    expect(outcome).toEqual({
      kind: "rejected",
      reason: "invalid",
      status: 400,
      message: "Docus rejected the lab result (HTTP 400): file_base64 is required for /lab-results/not-interpret.",
    });
  });

  it("classifies wrong credentials as rejected credentials", async () => {
    const outcome = await submit({}, {}, { ...creds, authKey: "wrong-auth-key-000000" });
    expect(outcome).toEqual({
      kind: "rejected",
      reason: "credentials",
      status: 401,
      message:
        "Docus refused the portal's credentials (HTTP 401). An administrator must check DOCUS_API_KEY, DOCUS_TEAM_ID and DOCUS_AUTH_KEY.",
    });
  });

  it("classifies a refused connection as transient", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outcome = await submit({}, {}, { ...creds, apiUrl: `http://127.0.0.1:${port}` });
    expect(outcome).toEqual({
      kind: "transient",
      message: "Could not reach Docus: the connection was refused (ECONNREFUSED).",
    });
  });

  it("reports a caller's abort as transient without throwing", async () => {
    await control("/__sim/faults", { hang: true, count: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("shutting down")), 100);
    const outcome = await submit({}, { signal: controller.signal, timeoutMs: 10_000 });
    expect(outcome).toEqual({
      kind: "transient",
      message: "The request to Docus was cancelled before an answer arrived.",
    });
  });

  it("removes a credential that Docus echoes back from the message", async () => {
    await control("/__sim/faults", {
      status: 422,
      count: 1,
      message: `key ${apiKey} cannot submit for team ${teamId}`,
    });
    const outcome = await submit();
    expect(outcome.message).toBe(
      "Docus rejected the lab result (HTTP 422): key [redacted] cannot submit for team [redacted]",
    );
  });

  it("reads a huge or non-JSON answer safely", async () => {
    const big = http.createServer((req, res) => {
      req.resume();
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`upstream exploded ${"z".repeat(1_000_000)}`);
    });
    await new Promise<void>((resolve) => big.listen(0, "127.0.0.1", resolve));
    try {
      const outcome = await submit(
        {},
        {},
        { ...creds, apiUrl: `http://127.0.0.1:${(big.address() as AddressInfo).port}` },
      );
      expect(outcome.kind).toBe("transient");
      expect(outcome.status).toBe(500);
      expect(outcome.message).toMatch(/^Docus is temporarily unavailable \(HTTP 500\): upstream exploded z+…$/);
      expect(outcome.message.length).toBeLessThan(600);
    } finally {
      big.closeAllConnections();
      await new Promise<void>((resolve) => big.close(() => resolve()));
    }
  });

  it("never puts a credential into any returned message", () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(10);
    for (const outcome of outcomes) {
      const text = JSON.stringify(outcome);
      for (const secret of [apiKey, teamId, authKey]) expect(text).not.toContain(secret);
    }
  });
});
