import type http from "node:http";
import { BodyTooLargeError, readBodyCapped } from "../../lib/bytes.ts";

/** The simulator's small HTTP vocabulary: bodies in, JSON out. */

export const INVALID_JSON = Symbol("invalid JSON");

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8")) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * Reads the whole body, or null when it is larger than `limit` bytes (the rest is then
 * drained, so that the 413 still reaches the client). Rejects when the client goes away.
 */
export async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  try {
    const bytes = await readBodyCapped(
      req.iterator({ destroyOnReturn: false }),
      req.headers["content-length"] ?? null,
      limit,
    );
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    req.resume();
    return null;
  }
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
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
export function errorLabel(error: unknown): string {
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
