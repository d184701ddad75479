import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { createDeliveries } from "./deliveries.ts";
import { createFaultQueue, faultSchema } from "./faults.ts";
import { INVALID_JSON, errorLabel, mediaType, parseJson, readBody, sendJson } from "./http.ts";
import type { SimEndpoint, SimRequestRecord } from "./records.ts";
import { authorized, describeSubmission, validateSubmission } from "./submissions.ts";

export type { SimDeliveryRecord, SimEndpoint, SimRequestRecord } from "./records.ts";
export { renderInterpretationReport, type InterpretationReportInput } from "./report-pdf.ts";

/**
 * A stand-in for the Docus Reference Lab API (docs/docus-contract.md, section 3): it accepts
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

const DEFAULT_MAX_BODY_BYTES = 60 * 1024 * 1024;
const MAX_CONTROL_BODY_BYTES = 64 * 1024;

export function createDocusSimulator(config: DocusSimulatorConfig): DocusSimulator {
  const log = config.log ?? (() => undefined);
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const faults = createFaultQueue();
  const deliveries = createDeliveries({
    deliveryUrl: config.deliveryUrl,
    delayMs: config.delayMs,
    deliveryHeader: config.deliveryHeader,
    deliverySecret: config.deliverySecret,
    webhookSecret: config.webhookSecret,
    maxDeliveryAttempts: Math.max(1, config.maxDeliveryAttempts ?? 6),
    deliveryRetryBaseMs: config.deliveryRetryBaseMs ?? 1000,
    deliveryTimeoutMs: config.deliveryTimeoutMs ?? 30_000,
    outOfOrderHoldMs: config.outOfOrderHoldMs ?? 10_000,
    log,
  });

  let requests: SimRequestRecord[] = [];
  let closing: Promise<void> | undefined;
  const hung = new Set<http.ServerResponse>();

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

    const fault = faults.takeSubmissionFault();
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

    if (!authorized(req, config)) {
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
    if (endpoint === "/lab-results") deliveries.schedule(result.submission, faults.takeDeliveryFaults());
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
      faults.clear();
      requests = [];
      deliveries.reset();
      log("reset: faults, requests and pending deliveries cleared");
    } else {
      faults.add(fault);
    }
    sendJson(res, 200, { ok: true, faults: faults.pending() });
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
      if (only("GET")) sendJson(res, 200, { requests, deliveries: deliveries.records() });
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
        deliveries.stop();
        for (const res of hung) res.socket?.destroy();
        hung.clear();
        await new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await deliveries.settled();
      })();
      return closing;
    },
  };
}
