import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import { z } from "zod";
import { parseRetryAfter } from "../../lib/docus/classify.ts";
import { signWebhook } from "../../lib/docus/webhook-signature.ts";

/**
 * A stand-in for the Docus Reference Lab API (CONTRACT.md, section 3): it accepts
 * submissions like Docus, delivers generated interpretation reports back to the portal,
 * and can be told to misbehave through POST /__sim/faults. It keeps only metadata and
 * hashes of what it receives, never the content or the credentials.
 */

export type DocusSimulatorConfig = {
  apiKey: string;
  teamId: string;
  authKey: string;
  /** Where interpretation reports are delivered (the portal's /api/docus/reports). */
  deliveryUrl: string;
  /** How long "interpretation" takes before a report is delivered. */
  delayMs: number;
  /** Header that carries deliverySecret, lower case. */
  deliveryHeader: string;
  deliverySecret?: string;
  /** A whsec_<base64> secret; when set, deliveries carry Standard Webhooks signatures. */
  webhookSecret?: string;
  /** Attempts per delivery, the first one included. */
  maxDeliveryAttempts?: number;
  /** The first wait between delivery attempts; it doubles each time. */
  deliveryRetryBaseMs?: number;
  /** How long one delivery attempt may take. */
  deliveryTimeoutMs?: number;
  /** How long an "outOfOrder" delivery waits for a later one to overtake it. */
  outOfOrderHoldMs?: number;
  maxBodyBytes?: number;
  log?: (line: string) => void;
};

export type DocusSimulator = {
  server: http.Server;
  /** Starts listening; resolves to the actual port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  /** Stops listening and ends pending deliveries, timers and hung connections. */
  close(): Promise<void>;
};

export type SimEndpoint = "/lab-results" | "/lab-results/not-interpret";

export type SimRequestRecord = {
  at: string;
  endpoint: SimEndpoint;
  /** null when no answer was given (the hang and drop faults, or a client that went away). */
  status: number | null;
  fault: "status" | "hang" | "drop" | null;
  message: string | null;
  headersPresent: { xApiKey: boolean; xTeamId: boolean; xAuthKey: boolean };
  patient_id: string | null;
  reference_id: string | null;
  partner_lab_id: string | null;
  dataLength: number | null;
  fileName: string | null;
  size: number | null;
  sha256: string | null;
};

export type SimDeliveryRecord = {
  at: string;
  deliveryId: string;
  patient_id: string;
  reference_id: string | null;
  partner_lab_id: string | null;
  attempt: number;
  /** 2 for the repeated copy sent by the deliverTwice fault. */
  copy: number;
  /** SHA-256 of the report PDF this delivery carried (a fingerprint, not the content). */
  pdfSha256: string;
  badSignature: boolean;
  status?: number;
  error?: string;
};

type SubmissionFault =
  | {
      kind: "status";
      status: number;
      retryAfter: string | null;
      retryAfterBody: number | null;
      message: string | null;
      remaining: number;
    }
  | { kind: "hang"; remaining: number }
  | { kind: "drop"; remaining: number };

type DeliveryFaultKind = "deliverTwice" | "badSignature" | "outOfOrder";
type DeliveryFault = { kind: DeliveryFaultKind; remaining: number };

const DEFAULT_MAX_BODY_BYTES = 60 * 1024 * 1024;
const MAX_CONTROL_BODY_BYTES = 64 * 1024;
/** A Retry-After from the portal is honoured up to this long. */
const MAX_DELIVERY_RETRY_AFTER_MS = 30_000;

const faultCount = z.number().int().min(1).max(10_000).default(1);
const faultSchema = z.union([
  z.strictObject({ reset: z.literal(true) }),
  z.strictObject({
    status: z.number().int().min(400).max(599),
    count: faultCount,
    retryAfter: z.union([z.number().int().min(0), z.string().regex(/^[\x20-\x7e]+$/)]).optional(),
    /** Docus's way for a 429: the wait in the body (`retry_after`, seconds), no header. */
    retryAfterBody: z.number().int().min(0).max(86_400).optional(),
    message: z.string().max(2000).optional(),
  }),
  z.strictObject({ hang: z.literal(true), count: faultCount }),
  z.strictObject({ drop: z.literal(true), count: faultCount }),
  z.strictObject({ deliverTwice: z.literal(true), count: faultCount }),
  z.strictObject({ badSignature: z.literal(true), count: faultCount }),
  z.strictObject({ outOfOrder: z.literal(true), count: faultCount }),
]);

type ValidSubmission = {
  patientId: string;
  referenceId: string | null;
  partnerLabId: string | null;
  data: string | null;
  file: { name: string; size: number; sha256: string } | null;
};

export function createDocusSimulator(config: DocusSimulatorConfig): DocusSimulator {
  const log = config.log ?? (() => undefined);
  const maxDeliveryAttempts = Math.max(1, config.maxDeliveryAttempts ?? 6);
  const deliveryRetryBaseMs = config.deliveryRetryBaseMs ?? 1000;
  const deliveryTimeoutMs = config.deliveryTimeoutMs ?? 30_000;
  const outOfOrderHoldMs = config.outOfOrderHoldMs ?? 10_000;
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  let requests: SimRequestRecord[] = [];
  let deliveries: SimDeliveryRecord[] = [];
  let submissionFaults: SubmissionFault[] = [];
  let deliveryFaults: DeliveryFault[] = [];

  let closed = false;
  let closing: Promise<void> | undefined;
  /** Aborted by reset and by close(): ends every pending or in-flight delivery. */
  let deliveryController = new AbortController();
  const hung = new Set<http.ServerResponse>();
  const tasks = new Set<Promise<void>>();
  let deliverySequence = 0;
  const overtakeWaiters = new Set<{ after: number; release: () => void }>();

  function track(task: Promise<void>): void {
    tasks.add(task);
    void task
      .catch((error: unknown) => log(`delivery task failed: ${errorLabel(error)}`))
      .finally(() => tasks.delete(task));
  }

  function pendingFaults() {
    return [...submissionFaults.map((fault) => ({ ...fault })), ...deliveryFaults.map((fault) => ({ ...fault }))];
  }

  function takeSubmissionFault(): SubmissionFault | undefined {
    const fault = submissionFaults[0];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) submissionFaults.shift();
    return fault;
  }

  /** One pending fault of each kind applies to the next delivery created. */
  function takeDeliveryFaults(): Set<DeliveryFaultKind> {
    const taken = new Set<DeliveryFaultKind>();
    for (const fault of deliveryFaults) {
      if (taken.has(fault.kind)) continue;
      taken.add(fault.kind);
      fault.remaining -= 1;
    }
    deliveryFaults = deliveryFaults.filter((fault) => fault.remaining > 0);
    return taken;
  }

  function authorized(req: http.IncomingMessage): boolean {
    const results = [
      sameSecret(req.headers["x-api-key"], config.apiKey),
      sameSecret(req.headers["x-team-id"], config.teamId),
      sameSecret(req.headers["x-auth-key"], config.authKey),
    ];
    return results.every(Boolean);
  }

  async function handleSubmission(endpoint: SimEndpoint, req: http.IncomingMessage, res: http.ServerResponse) {
    const record = (fields: Partial<SimRequestRecord> & { status: number | null }) => {
      const entry: SimRequestRecord = {
        at: new Date().toISOString(),
        endpoint,
        fault: null,
        message: null,
        headersPresent: {
          xApiKey: req.headers["x-api-key"] !== undefined,
          xTeamId: req.headers["x-team-id"] !== undefined,
          xAuthKey: req.headers["x-auth-key"] !== undefined,
        },
        patient_id: null,
        reference_id: null,
        partner_lab_id: null,
        dataLength: null,
        fileName: null,
        size: null,
        sha256: null,
        ...fields,
      };
      requests.push(entry);
      const file = entry.size === null ? "" : ` (${entry.size} bytes, sha256 ${entry.sha256?.slice(0, 12)}…)`;
      log(`POST ${endpoint} -> ${entry.status ?? entry.fault ?? "no answer"}${file}`);
    };
    const reply = (
      status: number,
      message: string,
      metadata: Partial<SimRequestRecord>,
      headers: Record<string, string> = {},
    ) => {
      record({ ...metadata, status, message });
      sendJson(res, status, { message }, headers);
    };

    let raw: Buffer | null;
    try {
      raw = await readBody(req, maxBodyBytes);
    } catch {
      record({ status: null, message: "The client went away before sending the whole body." });
      return;
    }
    if (raw === null) {
      reply(413, `The request body exceeds ${maxBodyBytes} bytes.`, {}, { connection: "close" });
      return;
    }
    const parsed = parseJson(raw);
    const metadata = describeSubmission(parsed);

    const fault = takeSubmissionFault();
    if (fault?.kind === "status") {
      const message = fault.message ?? `Simulated failure (HTTP ${fault.status}).`;
      record({ ...metadata, status: fault.status, fault: "status", message });
      sendJson(
        res,
        fault.status,
        fault.retryAfterBody === null
          ? { message }
          : { error: message, statusCode: fault.status, retry_after: fault.retryAfterBody },
        fault.retryAfter === null ? {} : { "retry-after": fault.retryAfter },
      );
      return;
    }
    if (fault?.kind === "hang") {
      record({ ...metadata, status: null, fault: "hang" });
      hung.add(res);
      res.on("close", () => hung.delete(res));
      return;
    }
    if (fault?.kind === "drop") {
      record({ ...metadata, status: null, fault: "drop" });
      req.socket.destroy();
      return;
    }

    if (!authorized(req)) {
      reply(401, "Missing or invalid x-api-key, x-team-id or x-auth-key.", {});
      return;
    }
    if (mediaType(req.headers["content-type"]) !== "application/json") {
      reply(415, "Content-Type must be application/json.", metadata);
      return;
    }
    if (parsed === INVALID_JSON) {
      reply(400, "The request body is not valid JSON.", metadata);
      return;
    }
    const result = validateSubmission(endpoint, parsed);
    if (!result.ok) {
      reply(400, result.message, metadata);
      return;
    }
    reply(201, "Lab results received", metadata);
    if (endpoint === "/lab-results") scheduleDelivery(result.submission);
  }

  function scheduleDelivery(submission: ValidSubmission): void {
    if (closed) return;
    const faults = takeDeliveryFaults();
    const sequence = ++deliverySequence;
    const signal = deliveryController.signal;
    track(
      (async () => {
        if (!(await sleep(config.delayMs, signal))) return;
        const pdf = await renderInterpretationReport({
          patientId: submission.patientId,
          referenceId: submission.referenceId,
          partnerLabId: submission.partnerLabId,
          source: submission.file
            ? {
                kind: "file",
                fileName: submission.file.name,
                size: submission.file.size,
                sha256: submission.file.sha256,
              }
            : { kind: "data", length: submission.data?.length ?? 0 },
          generatedAt: new Date(),
        });
        if (signal.aborted) return;
        const body = JSON.stringify({
          patient_id: submission.patientId,
          ...(submission.referenceId === null ? {} : { reference_id: submission.referenceId }),
          ...(submission.partnerLabId === null ? {} : { partner_lab_id: submission.partnerLabId }),
          file_base64: {
            mime_type: "application/pdf",
            content: Buffer.from(pdf).toString("base64"),
            file_name: reportFileName(submission.referenceId),
          },
        });
        const delivery: Delivery = {
          id: `msg_${randomBytes(18).toString("base64url")}`,
          sequence,
          body,
          pdfSha256: sha256Hex(pdf),
          submission,
          badSignature: faults.has("badSignature"),
        };
        if (faults.has("outOfOrder")) {
          log(`delivery ${delivery.id} held back until a later delivery overtakes it`);
          const overtaken = new Promise<void>((release) => overtakeWaiters.add({ after: sequence, release }));
          await Promise.race([overtaken, sleep(outOfOrderHoldMs, signal)]);
        }
        const copies = faults.has("deliverTwice") ? 2 : 1;
        for (let copy = 1; copy <= copies && !signal.aborted; copy++) {
          await deliverWithRetries(delivery, copy, signal);
        }
      })(),
    );
  }

  function deliveryHeaders(delivery: Delivery): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "docus-simulator" };
    if (config.deliverySecret) {
      headers[config.deliveryHeader] = delivery.badSignature
        ? randomBytes(24).toString("base64url")
        : config.deliverySecret;
    }
    if (config.webhookSecret) {
      const timestamp = Math.floor(Date.now() / 1000);
      const secret = delivery.badSignature ? `whsec_${randomBytes(24).toString("base64")}` : config.webhookSecret;
      headers["webhook-id"] = delivery.id;
      headers["webhook-timestamp"] = String(timestamp);
      headers["webhook-signature"] = signWebhook(secret, delivery.id, timestamp, delivery.body);
    }
    return headers;
  }

  /** Ends every pending delivery: their timers, held reports and requests in flight. */
  function cancelDeliveries(): void {
    deliveryController.abort();
    deliveryController = new AbortController();
    for (const waiter of overtakeWaiters) waiter.release();
    overtakeWaiters.clear();
  }

  function releaseOvertaken(sequence: number): void {
    for (const waiter of overtakeWaiters) {
      if (sequence > waiter.after) {
        overtakeWaiters.delete(waiter);
        waiter.release();
      }
    }
  }

  async function deliverWithRetries(delivery: Delivery, copy: number, signal: AbortSignal): Promise<void> {
    for (let attempt = 1; attempt <= maxDeliveryAttempts; attempt++) {
      if (signal.aborted) return;
      let status: number | undefined;
      let retryAfterMs: number | undefined;
      let error: string | undefined;
      try {
        const response = await fetch(config.deliveryUrl, {
          method: "POST",
          headers: deliveryHeaders(delivery),
          body: delivery.body,
          redirect: "manual",
          signal: AbortSignal.any([signal, AbortSignal.timeout(deliveryTimeoutMs)]),
        });
        status = response.status;
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
        await response.arrayBuffer().catch(() => undefined);
      } catch (caught) {
        error = errorLabel(caught);
      }
      if (signal.aborted) return;
      deliveries.push({
        at: new Date().toISOString(),
        deliveryId: delivery.id,
        patient_id: delivery.submission.patientId,
        reference_id: delivery.submission.referenceId,
        partner_lab_id: delivery.submission.partnerLabId,
        attempt,
        copy,
        pdfSha256: delivery.pdfSha256,
        badSignature: delivery.badSignature,
        ...(status === undefined ? {} : { status }),
        ...(error === undefined ? {} : { error }),
      });
      log(`delivery ${delivery.id} copy ${copy} attempt ${attempt} -> ${status ?? error}`);
      releaseOvertaken(delivery.sequence);
      if (status !== undefined && status >= 200 && status < 300) return;
      if (attempt < maxDeliveryAttempts) {
        const backoff = deliveryRetryBaseMs * 2 ** (attempt - 1);
        const wait = Math.max(backoff, Math.min(retryAfterMs ?? 0, MAX_DELIVERY_RETRY_AFTER_MS));
        if (!(await sleep(wait, signal))) return;
      }
    }
    log(`delivery ${delivery.id} copy ${copy} given up after ${maxDeliveryAttempts} attempts`);
  }

  async function handleFaults(req: http.IncomingMessage, res: http.ServerResponse) {
    const raw = await readBody(req, MAX_CONTROL_BODY_BYTES);
    const parsed = raw === null ? INVALID_JSON : parseJson(raw);
    const result = parsed === INVALID_JSON ? null : faultSchema.safeParse(parsed);
    if (!result?.success) {
      sendJson(res, 400, {
        message: result ? `Unknown fault: ${z.prettifyError(result.error)}` : "The fault must be a JSON object.",
      });
      return;
    }
    const fault = result.data;
    if ("reset" in fault) {
      submissionFaults = [];
      deliveryFaults = [];
      requests = [];
      deliveries = [];
      cancelDeliveries();
      log("reset: faults, requests and pending deliveries cleared");
    } else if ("status" in fault) {
      submissionFaults.push({
        kind: "status",
        status: fault.status,
        retryAfter: fault.retryAfter === undefined ? null : String(fault.retryAfter),
        retryAfterBody: fault.retryAfterBody ?? null,
        message: fault.message ?? null,
        remaining: fault.count,
      });
    } else if ("hang" in fault) {
      submissionFaults.push({ kind: "hang", remaining: fault.count });
    } else if ("drop" in fault) {
      submissionFaults.push({ kind: "drop", remaining: fault.count });
    } else {
      const kind: DeliveryFaultKind =
        "deliverTwice" in fault ? "deliverTwice" : "badSignature" in fault ? "badSignature" : "outOfOrder";
      deliveryFaults.push({ kind, remaining: fault.count });
    }
    sendJson(res, 200, { ok: true, faults: pendingFaults() });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = new URL(req.url ?? "/", "http://simulator.invalid").pathname;
    const method = req.method ?? "GET";
    const only = (allowed: string) => {
      if (method === allowed) return true;
      sendJson(res, 405, { message: `Use ${allowed} for ${path}.` }, { allow: allowed });
      return false;
    };

    if (path === "/lab-results" || path === "/lab-results/not-interpret") {
      if (only("POST")) await handleSubmission(path, req, res);
    } else if (path === "/__sim/health") {
      if (only("GET")) sendJson(res, 200, { status: "ok" });
    } else if (path === "/__sim/requests") {
      if (only("GET")) sendJson(res, 200, { requests, deliveries });
    } else if (path === "/__sim/faults") {
      if (only("POST")) await handleFaults(req, res);
    } else {
      sendJson(res, 404, { message: `No such endpoint: ${method} ${path}` });
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${errorLabel(error)}`);
      if (!res.headersSent) sendJson(res, 500, { message: "The simulator failed to handle the request." });
      else res.destroy();
    });
  });

  return {
    server,
    listen(port: number, host = "127.0.0.1") {
      return new Promise<number>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once("error", onError);
        server.listen(port, host, () => {
          server.off("error", onError);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        closed = true;
        cancelDeliveries();
        for (const res of hung) res.socket?.destroy();
        hung.clear();
        await new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await Promise.allSettled([...tasks]);
      })();
      return closing;
    },
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

type Delivery = {
  id: string;
  sequence: number;
  body: string;
  pdfSha256: string;
  submission: ValidSubmission;
  badSignature: boolean;
};

const INVALID_JSON = Symbol("invalid JSON");

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8")) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Compares a received header with a configured value without revealing where they differ. */
function sameSecret(received: string | string[] | undefined, expected: string): boolean {
  const value = typeof received === "string" ? received : "";
  const a = createHash("sha256").update(value).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && value !== "";
}

function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Strict base64: the standard alphabet, padded, no whitespace, canonical padding bits. */
function decodeStrictBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

/** Best-effort metadata of a submission body, for the request listing. */
function describeSubmission(body: unknown): Partial<SimRequestRecord> {
  if (!isRecord(body)) return {};
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  const file = isRecord(body.file_base64) ? body.file_base64 : null;
  const content = file && typeof file.content === "string" ? Buffer.from(file.content, "base64") : null;
  return {
    patient_id: text(body.patient_id),
    reference_id: text(body.reference_id),
    partner_lab_id: text(body.partner_lab_id),
    dataLength: typeof body.data === "string" ? body.data.length : null,
    fileName: file ? text(file.file_name) : null,
    size: content ? content.length : null,
    sha256: content ? sha256Hex(content) : null,
  };
}

/** The rules of CONTRACT.md, section 1, each failure named. */
function validateSubmission(
  endpoint: SimEndpoint,
  body: unknown,
): { ok: true; submission: ValidSubmission } | { ok: false; message: string } {
  const fail = (message: string) => ({ ok: false as const, message });
  if (!isRecord(body)) return fail("The request body must be a JSON object.");
  const { patient_id, reference_id, partner_lab_id, data, file_base64 } = body;
  if (typeof patient_id !== "string" || patient_id.trim() === "") {
    return fail("patient_id is required and must be a non-empty string.");
  }
  if (reference_id !== undefined && typeof reference_id !== "string") return fail("reference_id must be a string.");
  if (partner_lab_id !== undefined && typeof partner_lab_id !== "string")
    return fail("partner_lab_id must be a string.");
  if (data !== undefined && typeof data !== "string") return fail("data must be a string.");

  let file: ValidSubmission["file"] = null;
  if (file_base64 !== undefined) {
    if (!isRecord(file_base64)) return fail("file_base64 must be an object with mime_type, content and file_name.");
    if (file_base64.mime_type !== "application/pdf") return fail('file_base64.mime_type must be "application/pdf".');
    const { content, file_name } = file_base64;
    if (typeof content !== "string" || content === "")
      return fail("file_base64.content must be a non-empty base64 string.");
    const bytes = decodeStrictBase64(content);
    if (!bytes) return fail("file_base64.content is not valid base64.");
    if (!bytes.subarray(0, 5).equals(Buffer.from("%PDF-"))) {
      return fail("file_base64.content is not a PDF (it does not start with %PDF-).");
    }
    if (typeof file_name !== "string" || file_name.trim() === "") {
      return fail("file_base64.file_name must be a non-empty string.");
    }
    file = { name: file_name, size: bytes.length, sha256: sha256Hex(bytes) };
  }

  const hasData = typeof data === "string" && data.trim() !== "";
  if (endpoint === "/lab-results/not-interpret" && !file) {
    return fail("file_base64 is required for /lab-results/not-interpret.");
  }
  if (!hasData && !file) return fail("At least one of data or file_base64 must be provided.");

  return {
    ok: true,
    submission: {
      patientId: patient_id,
      referenceId: typeof reference_id === "string" ? reference_id : null,
      partnerLabId: typeof partner_lab_id === "string" ? partner_lab_id : null,
      data: typeof data === "string" ? data : null,
      file,
    },
  };
}

/** Reads the whole body, or null when it is larger than `limit` bytes. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > limit) {
        settled = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    req.on("close", () => {
      if (settled) return;
      settled = true;
      reject(new Error("The client closed the connection before sending the whole body."));
    });
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** A short label for a failure, from its name and system code only (never a message). */
function errorLabel(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    current = cause;
  }
  if (typeof error === "object" && error !== null) {
    const { name } = error as { name?: unknown };
    if (typeof name === "string") return name;
  }
  return "unknown error";
}

function reportFileName(referenceId: string | null): string {
  if (referenceId === null || referenceId === "") return "interpretation.pdf";
  return `interpretation-${referenceId.replace(/[^A-Za-z0-9._-]/g, "_")}.pdf`;
}

export type InterpretationReportInput = {
  patientId: string;
  referenceId: string | null;
  partnerLabId: string | null;
  source: { kind: "file"; fileName: string; size: number; sha256: string } | { kind: "data"; length: number };
  generatedAt: Date;
};

/** A simulated interpretation report: a real, multi-section PDF that says it is simulated. */
export async function renderInterpretationReport(input: InterpretationReportInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Interpretation report${input.referenceId ? ` ${winAnsi(input.referenceId)}` : ""}`);
  doc.setAuthor("Docus simulator");
  doc.setSubject("Simulated interpretation report (not for clinical use)");
  doc.setCreator("Docus simulator");
  doc.setProducer("Docus simulator (pdf-lib)");
  doc.setCreationDate(input.generatedAt);
  doc.setModificationDate(input.generatedAt);

  const writer = new ReportWriter(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
  );

  writer.title("Interpretation report");
  writer.paragraph(`Docus Reference Lab API (simulated). Generated ${input.generatedAt.toISOString()}.`, { size: 9 });

  writer.heading("Patient");
  writer.paragraph(`Patient ID: ${input.patientId}`);

  writer.heading("Accession");
  writer.paragraph(`Reference ID: ${input.referenceId ?? "not provided"}`);
  if (input.partnerLabId !== null) writer.paragraph(`Partner lab ID: ${input.partnerLabId}`);

  writer.heading("Summary");
  if (input.source.kind === "file") {
    writer.paragraph(`The lab result file "${input.source.fileName}" was received and reviewed.`);
    writer.paragraph(`Size: ${input.source.size} bytes`);
    writer.paragraph(`SHA-256: ${input.source.sha256}`);
  } else {
    writer.paragraph(`Structured lab data of ${input.source.length} characters was received and reviewed.`);
  }

  writer.heading("Findings");
  writer.bullet("Placeholder generated by the Docus simulator: no analyte values were read from the submission.");
  writer.bullet(
    "In a real report, this section lists each value outside its reference range and what it may indicate.",
  );

  writer.heading("Recommendations");
  writer.bullet("Placeholder: review the original lab result together with the patient's history.");
  writer.bullet("In a real report, this section lists suggested follow-up tests and referrals.");

  writer.heading("Disclaimer");
  writer.paragraph(
    "SIMULATED REPORT, NOT FOR CLINICAL USE. This document was generated by the Docus simulator for development and testing. It contains no medical interpretation.",
  );

  writer.footers("Docus simulator: simulated interpretation report, not for clinical use");
  return doc.save();
}

/** Helvetica can only show WinAnsi characters; anything else is shown as "?". */
function winAnsi(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");
}

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 56;

class ReportWriter {
  // Plain fields, not parameter properties: the simulator runs under Node's own
  // TypeScript support (type stripping), which only removes types.
  private readonly doc: PDFDocument;
  private readonly font: PDFFont;
  private readonly bold: PDFFont;
  private page: PDFPage;
  private y: number;

  constructor(doc: PDFDocument, font: PDFFont, bold: PDFFont) {
    this.doc = doc;
    this.font = font;
    this.bold = bold;
    this.page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.y = PAGE_HEIGHT - MARGIN;
  }

  title(text: string) {
    this.lines(text, { font: this.bold, size: 20, gapAfter: 6 });
  }

  heading(text: string) {
    this.y -= 10;
    this.lines(text, { font: this.bold, size: 13, gapAfter: 4, color: rgb(0.1, 0.25, 0.45) });
  }

  paragraph(text: string, { size = 11 }: { size?: number } = {}) {
    this.lines(text, { font: this.font, size, gapAfter: 3 });
  }

  bullet(text: string) {
    this.lines(text, { font: this.font, size: 11, gapAfter: 3, indent: 14, marker: "-" });
  }

  footers(text: string) {
    const pages = this.doc.getPages();
    pages.forEach((page, index) => {
      page.drawText(winAnsi(`${text} - page ${index + 1} of ${pages.length}`), {
        x: MARGIN,
        y: MARGIN / 2,
        size: 8,
        font: this.font,
        color: rgb(0.4, 0.4, 0.4),
      });
    });
  }

  private lines(
    text: string,
    opts: {
      font: PDFFont;
      size: number;
      gapAfter: number;
      indent?: number;
      marker?: string;
      color?: ReturnType<typeof rgb>;
    },
  ) {
    const indent = opts.indent ?? 0;
    const width = PAGE_WIDTH - 2 * MARGIN - indent;
    const wrapped = wrap(winAnsi(text), opts.font, opts.size, width);
    const lineHeight = opts.size * 1.35;
    wrapped.forEach((line, index) => {
      if (this.y - lineHeight < MARGIN) {
        this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
        this.y = PAGE_HEIGHT - MARGIN;
      }
      this.y -= lineHeight;
      if (index === 0 && opts.marker) {
        this.page.drawText(opts.marker, { x: MARGIN + indent - 10, y: this.y, size: opts.size, font: opts.font });
      }
      this.page.drawText(line, {
        x: MARGIN + indent,
        y: this.y,
        size: opts.size,
        font: opts.font,
        color: opts.color ?? rgb(0, 0, 0),
      });
    });
    this.y -= opts.gapAfter;
  }
}

/** Greedy word wrap; words wider than a line are cut. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (candidate: string) => font.widthOfTextAtSize(candidate, size) <= width;
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = "";
    let rest = word;
    while (!fits(rest)) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  if (current) lines.push(current);
  return lines.length > 0 ? lines : [""];
}
