/**
 * Turns Docus's answer to a lab result submission (or the failure to get one) into the
 * one decision the portal needs: accepted, rejected for good, or worth retrying. The
 * status mapping is the contract's assumed one (docs/docus-contract.md, section 1, "Answers and how each is classified").
 */

export type SubmissionOutcome =
  | { kind: "accepted"; status: number; message: string }
  | { kind: "rejected"; reason: "invalid" | "credentials"; status: number; message: string }
  | { kind: "transient"; status?: number; retryAfterMs?: number; message: string };

export type HeaderReader = { get(name: string): string | null };

const MAX_QUOTED_MESSAGE = 500;

const TRANSIENT_CLIENT_STATUSES = new Set([408, 429]);

export function classifyResponse(
  status: number,
  body: unknown,
  headers: HeaderReader,
  now: Date = new Date(),
): SubmissionOutcome {
  const quoted = docusMessage(body);

  if (status >= 200 && status < 300) {
    return {
      kind: "accepted",
      status,
      message: quoted
        ? `Docus accepted the lab result (HTTP ${status}): ${quoted}`
        : `Docus accepted the lab result (HTTP ${status}).`,
    };
  }

  if (status === 401 || status === 403) {
    return {
      kind: "rejected",
      reason: "credentials",
      status,
      message: `Docus refused the portal's credentials (HTTP ${status}). An administrator must check DOCUS_API_KEY, DOCUS_TEAM_ID and DOCUS_AUTH_KEY.`,
    };
  }

  if (TRANSIENT_CLIENT_STATUSES.has(status) || (status >= 500 && status < 600)) {
    // Docus puts the wait of a 429 in its body (`retry_after`, seconds), not always in a
    // Retry-After header; when both are given, the longer one is honoured.
    const fromHeader = parseRetryAfter(headers.get("retry-after"), now);
    const fromBody = bodyRetryAfterMs(body);
    const retryAfterMs =
      fromHeader === undefined ? fromBody : fromBody === undefined ? fromHeader : Math.max(fromHeader, fromBody);
    const what =
      status === 429
        ? "Docus is limiting the portal's request rate"
        : status === 408
          ? "Docus timed out waiting for the request"
          : "Docus is temporarily unavailable";
    return {
      kind: "transient",
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      message: quoted ? `${what} (HTTP ${status}): ${quoted}` : `${what} (HTTP ${status}).`,
    };
  }

  if (status >= 400 && status < 500) {
    const base = quoted
      ? `Docus rejected the lab result (HTTP ${status}): ${quoted}`
      : `Docus rejected the lab result (HTTP ${status}) without giving a reason.`;
    const hint = status === 404 || status === 405 ? "An administrator should check DOCUS_API_URL." : undefined;
    return {
      kind: "rejected",
      reason: "invalid",
      status,
      message: hint ? `${base}${/[.!?…]$/.test(base) ? "" : "."} ${hint}` : base,
    };
  }

  // Redirects are not followed (a redirect would carry the credential headers to another
  // host), and anything else is outside the contract; both are retried rather than
  // failing the lab result for good, since an administrator can fix DOCUS_API_URL.
  return {
    kind: "transient",
    status,
    message:
      status >= 300 && status < 400
        ? `Docus answered with a redirect (HTTP ${status}), which the portal does not follow. An administrator should check DOCUS_API_URL.`
        : `Docus answered with an unexpected status (HTTP ${status}).`,
  };
}

const NETWORK_CODE_DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ECONNRESET: "the connection was closed unexpectedly",
  UND_ERR_SOCKET: "the connection was closed unexpectedly",
  EPIPE: "the connection was closed unexpectedly",
  ENOTFOUND: "the host name could not be resolved",
  EAI_AGAIN: "the host name could not be resolved",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "no answer arrived in time",
  UND_ERR_BODY_TIMEOUT: "the answer stopped arriving",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
};

/**
 * Classifies a failure to obtain any HTTP answer: network errors, timeouts and aborts are
 * all transient. Only error names and codes are used, never error messages, because
 * those can contain URLs or header values.
 */
export function classifyNetworkError(error: unknown): SubmissionOutcome {
  const name = errorName(error);
  if (name === "TimeoutError") {
    return { kind: "transient", message: "Docus did not answer in time (the request timed out)." };
  }
  if (name === "AbortError") {
    return { kind: "transient", message: "The request to Docus was cancelled before an answer arrived." };
  }
  const code = errorCode(error);
  if (code) {
    const description = NETWORK_CODE_DESCRIPTIONS[code];
    return {
      kind: "transient",
      message: description ? `Could not reach Docus: ${description} (${code}).` : `Could not reach Docus (${code}).`,
    };
  }
  return { kind: "transient", message: "Could not reach Docus: the request failed before an answer arrived." };
}

/**
 * Parses a Retry-After value, either delta-seconds or an HTTP date, into milliseconds from
 * `now`. A date in the past means "now" (0); anything unparseable is ignored.
 */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // Date.parse also accepts bare numbers and other loose forms; an HTTP date always
  // names a weekday or month, so require letters before trusting it.
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** A body's `retry_after` (seconds, a number or a numeric string) in milliseconds. */
export function bodyRetryAfterMs(body: unknown): number | undefined {
  if (!isRecord(body)) return undefined;
  const raw = body.retry_after;
  const seconds =
    typeof raw === "number"
      ? raw
      : typeof raw === "string" && /^\s*\d+(\.\d+)?\s*$/.test(raw)
        ? Number(raw)
        : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.ceil(seconds * 1000);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The human-readable explanation in Docus's answer, if there is one. */
function docusMessage(body: unknown): string | undefined {
  if (typeof body === "string") {
    const trimmed = body.trim();
    // An HTML page (from a proxy or load balancer) explains nothing to a technician.
    if (trimmed.startsWith("<")) return undefined;
    return cleanMessage(trimmed);
  }
  if (!isRecord(body)) return undefined;
  for (const key of ["message", "error", "detail", "error_description"]) {
    const found = messageFrom(body[key]);
    if (found) return found;
  }
  return undefined;
}

function messageFrom(value: unknown): string | undefined {
  if (typeof value === "string") return cleanMessage(value);
  if (isRecord(value)) return messageFrom(value.message) ?? messageFrom(value.msg);
  if (Array.isArray(value)) {
    const parts = value.map((item) => messageFrom(item)).filter((part): part is string => part !== undefined);
    return parts.length > 0 ? cleanMessage(parts.join("; ")) : undefined;
  }
  return undefined;
}

function cleanMessage(text: string): string | undefined {
  // Control characters are replaced so that a quoted message cannot forge log lines.
  const single = text
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (single === "") return undefined;
  return single.length > MAX_QUOTED_MESSAGE ? `${single.slice(0, MAX_QUOTED_MESSAGE - 1)}…` : single;
}

function errorName(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { name } = error as { name?: unknown };
  return typeof name === "string" ? name : undefined;
}

/** The first system-style error code along the error's cause chain. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (typeof current !== "object") return undefined;
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    current = cause;
  }
  return undefined;
}
