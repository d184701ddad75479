import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PDFDocument, PDFRawStream, decodePDFRawStream } from "pdf-lib";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import {
  createDocusSimulator,
  type DocusSimulator,
  type SimDeliveryRecord,
  type SimRequestRecord,
} from "./simulator.ts";
import { verifyWebhook } from "@/lib/docus/wire";

/**
 * What the simulator's tests share: its credentials, a lab-result PDF, and a stand-in for
 * the portal's delivery endpoint. Each test file calls setUpSimulator() once.
 */

export const apiKey = "sim-api-key-0123456789";
export const teamId = "sim-team-0042";
export const authKey = "sim-auth-key-9876543210";
export const deliveryHeader = "x-docus-delivery-key";
export const deliverySecret = "delivery-secret-abcdefghij";
export const webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

export const auth = {
  "x-api-key": apiKey,
  "x-team-id": teamId,
  "x-auth-key": authKey,
  "content-type": "application/json",
};

export const labPdf = Buffer.from(
  "%PDF-1.4\n% a lab result\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);
export const labPdfBase64 = labPdf.toString("base64");
export const labPdfSha256 = createHash("sha256").update(labPdf).digest("hex");
export const file = { mime_type: "application/pdf", content: labPdfBase64, file_name: "cbc-panel.pdf" };

export type Delivered = {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  body: Record<string, unknown>;
  signatureOk: boolean;
  secretOk: boolean;
  answered: number;
};

/** A stand-in for the portal's /api/docus/reports that authenticates like the portal. */
export let receiver: http.Server;
export let delivered: Delivered[] = [];
export let nextStatuses: number[] = [];

export let simulator: DocusSimulator;
export let simUrl: string;

export function post(path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${simUrl}${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function fault(body: unknown): Promise<{ ok: boolean; faults: unknown[] }> {
  const response = await post("/__sim/faults", body, { "content-type": "application/json" });
  expect(response.status).toBe(200);
  return (await response.json()) as { ok: boolean; faults: unknown[] };
}

export async function listing(): Promise<{ requests: SimRequestRecord[]; deliveries: SimDeliveryRecord[] }> {
  const response = await fetch(`${simUrl}/__sim/requests`);
  expect(response.status).toBe(200);
  return (await response.json()) as { requests: SimRequestRecord[]; deliveries: SimDeliveryRecord[] };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for a condition.");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The text drawn on the pages of a pdf-lib document (Helvetica text is drawn as hex strings). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
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

export function startSimulator(overrides: Partial<Parameters<typeof createDocusSimulator>[0]> = {}) {
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

/** The receiver's answers to the next deliveries (then 200). */
export function answerNextDeliveriesWith(statuses: number[]): void {
  nextStatuses = statuses;
}

/** Starts the receiver and a simulator for the calling test file, and resets both before each test. */
export function setUpSimulator(): void {
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
}
