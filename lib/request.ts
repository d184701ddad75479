/**
 * The client's address, as the portal's own server vouches for it. The server in front
 * of Next.js overwrites X-Forwarded-For with one address, chosen by
 * resolveClientAddress from the socket and TRUST_PROXY_HOPS, so the app reads that
 * single value. A list here means nothing of ours set it (a client's own header reached
 * the app), and its right-most entry is the least forgeable guess.
 */
export function clientIp(getHeader: (name: string) => string | null | undefined): string {
  const forwarded = getHeader("x-forwarded-for");
  const last = forwarded
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
  return last || "unknown";
}

export function clientIpFromRecord(headers: Record<string, string | string[] | undefined> | undefined): string {
  return clientIp((name) => {
    const value = headers?.[name];
    return Array.isArray(value) ? value.join(",") : value;
  });
}

/**
 * The client's address from the socket and X-Forwarded-For, trusting the header only as
 * far as `trustedHops` proxies of ours append to it. 0 hops: the socket's address, the
 * header ignored (anyone can send one). N hops: the N-th entry from the right, which the
 * outermost trusted proxy appended; a shorter header than expected means a proxy was
 * bypassed or misconfigured, so the left-most entry we have (still appended by a proxy
 * of ours) is used, and without any entry the socket's address.
 */
export function resolveClientAddress(
  xForwardedFor: string | string[] | undefined,
  socketAddress: string | undefined,
  trustedHops: number,
): string | undefined {
  const socket = normalizeAddress(socketAddress);
  if (trustedHops <= 0) return socket;
  const entries = (Array.isArray(xForwardedFor) ? xForwardedFor : [xForwardedFor ?? ""])
    .flatMap((value) => value.split(","))
    .map((part) => part.trim())
    .filter(Boolean);
  if (entries.length === 0) return socket;
  const index = Math.max(0, entries.length - trustedHops);
  return normalizeAddress(entries[index]);
}

/** IPv4 addresses reach Node as IPv4-mapped IPv6 (::ffff:1.2.3.4) on dual-stack sockets. */
function normalizeAddress(address: string | undefined): string | undefined {
  if (!address) return undefined;
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/**
 * Where to send someone after sign-in: `value` when it is a path of the portal's own
 * origin, else "/". Decided by parsing against the origin the way a browser would (it
 * drops tabs and newlines and reads backslashes as slashes), never by string prefixes.
 */
export function sameOriginPath(value: string | null | undefined, origin: string): string {
  if (!value) return "/";
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(value, base);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin) return "/";
  // A path that itself starts with "//" would be read as another host when used as a Location.
  return `${url.pathname.replace(/^\/{2,}/, "/")}${url.search}${url.hash}`;
}

/** The session cookie's names (next-auth, plain and on https). */
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

/**
 * What a request without a valid session may carry as its body: the sign-in page's own
 * forms and the set-password form are a few hundred bytes.
 */
/**
 * The server actions' body limit for uploads of up to `maxUploadMb`: room for Base64
 * growth and the form's own fields (the action itself refuses a file over the limit with
 * a clear message). next.config.ts and the front server (scripts/lib/portal-server.ts) use it.
 */
export function serverActionsBodyLimit(maxUploadMb: number): `${number}mb` {
  return `${Math.ceil((maxUploadMb * 4) / 3) + 1}mb`;
}

export const UNAUTHENTICATED_BODY_BYTES = 64 * 1024;

/**
 * Paths whose bodies the rule leaves alone: Docus deliveries (authenticated by their
 * signature, with their own size limit) and next-auth's routes (sign-in and its second
 * step, small, before there is a session). Matched on the raw path, strictly: no dot
 * segments, no percent-encoding, no doubled slashes, so that no other route can be
 * reached under an exempt name.
 */
const BODY_RULE_EXEMPT = [/^\/api\/docus\/reports$/, /^\/api\/auth(?:\/[A-Za-z0-9_-]+)+$/];

/** The session cookie's value (next-auth splits a long one into name.0, name.1, ...), or null. */
export function sessionCookieValue(cookieHeader: string): string | null {
  const pairs = cookieHeader.split(";").map((part) => {
    const at = part.indexOf("=");
    return at < 0 ? ["", ""] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
  });
  for (const base of SESSION_COOKIES) {
    const whole = pairs.find(([name]) => name === base);
    if (whole?.[1]) return whole[1];
    const parts = pairs
      .map(([name, value]) => ({
        index: Number(name?.startsWith(`${base}.`) ? name.slice(base.length + 1) : Number.NaN),
        value,
      }))
      .filter((p) => Number.isInteger(p.index))
      .sort((a, b) => a.index - b.index);
    if (parts.length > 0) return parts.map((p) => p.value).join("");
  }
  return null;
}

/**
 * For the portal's server in front of Next.js, before any byte of the body is read: a
 * request (of any method) without a valid session may not carry more than a small body. Next.js parses
 * any multipart POST to a page as a possible server action (up to the upload limit, tens
 * of MB) before anything can call requireUser, so without this anyone could make the
 * server read and hold that much. `verifySession` checks the session cookie's signature
 * (next-auth's `decode` with the secret; no database). The answer:
 * - "pass": hand the request on (no body, a small declared body, a valid session, or an
 *   exempt path);
 * - "refuse": answer 413 without reading the body (a declared length over the limit);
 * - "count": no declared length (chunked): read at most `maxBytes`, refusing beyond.
 * The route or action itself still authorizes; this only keeps strangers from spending
 * the server's memory.
 */
export async function unauthenticatedBodyCheck(
  url: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  verifySession: (token: string) => Promise<boolean>,
  maxBytes = UNAUTHENTICATED_BODY_BYTES,
): Promise<"pass" | "refuse" | "count"> {
  const length = headers["content-length"];
  const declared = typeof length === "string" && /^\d{1,15}$/.test(length.trim()) ? Number(length.trim()) : null;
  const chunked = headers["transfer-encoding"] !== undefined;
  // No body at all (Node reads none without a length or a transfer coding).
  if (!chunked && (declared === null || declared <= maxBytes)) return "pass";
  const path = (url ?? "/").split("?")[0] ?? "/";
  if (BODY_RULE_EXEMPT.some((pattern) => pattern.test(path))) return "pass";
  const cookie = Array.isArray(headers.cookie) ? headers.cookie.join("; ") : (headers.cookie ?? "");
  const token = sessionCookieValue(cookie);
  if (token && (await verifySession(token).catch(() => false))) return "pass";
  return chunked ? "count" : "refuse";
}

/** next-auth's callback-url cookie (plain and on https). */
const CALLBACK_URL_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

/** Would next-auth accept this as a callback URL? (Its own test: an http(s) URL, a path resolved against the origin.) */
function isHttpUrl(value: string, origin: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

/**
 * The Cookie header without a next-auth callback-url cookie that next-auth would refuse
 * (not an http(s) URL, or not decodable): next-auth answers such a cookie with "There is
 * a problem with the server configuration", a 500 on every page that reads the session.
 * A bad cookie is the client's problem, so it is dropped as if absent. Returns null when
 * the header needs no change.
 */
export function withoutInvalidCallbackUrlCookie(
  cookieHeader: string | undefined,
  origin: string,
): { header: string; dropped: string[] } | null {
  if (!cookieHeader || !cookieHeader.includes("callback-url")) return null;
  const dropped: string[] = [];
  const kept = cookieHeader.split(/;\s*/).filter((pair) => {
    const at = pair.indexOf("=");
    const name = (at < 0 ? pair : pair.slice(0, at)).trim();
    if (!CALLBACK_URL_COOKIES.includes(name)) return true;
    let value: string;
    try {
      // Decoded as Next.js decodes cookies for next-auth (no trimming).
      value = decodeURIComponent(at < 0 ? "" : pair.slice(at + 1));
    } catch {
      dropped.push(name);
      return false;
    }
    if (value === "" || isHttpUrl(value, origin)) return true;
    dropped.push(name);
    return false;
  });
  return dropped.length > 0 ? { header: kept.join("; "), dropped } : null;
}

/**
 * The request URL of a next-auth route (/api/auth/...) without a `callbackUrl` query
 * parameter that next-auth would refuse: it answers such a parameter with "There is a
 * problem with the server configuration", a 500, where the client sent bad input. Every
 * copy of the parameter is dropped when the one next-auth reads (the last) is refused.
 * Returns null when the URL needs no change.
 */
export function withoutInvalidCallbackUrlParam(requestUrl: string | undefined, origin: string): string | null {
  if (!requestUrl || !requestUrl.startsWith("/api/auth/") || !requestUrl.includes("?")) return null;
  let url: URL;
  try {
    url = new URL(requestUrl, origin);
  } catch {
    return null;
  }
  const values = url.searchParams.getAll("callbackUrl");
  const read = values.at(-1);
  if (read === undefined || read === "" || isHttpUrl(read, origin)) return null;
  url.searchParams.delete("callbackUrl");
  return `${url.pathname}${url.search}`;
}

/**
 * Whether a mutating request comes from the portal's own pages: its Origin header names
 * the host the request was sent to (the forwarded host behind a proxy), as Next.js checks
 * for server actions. A request without an Origin (not a browser's fetch) is refused.
 */
export function isSameOriginRequest(getHeader: (name: string) => string | null | undefined): boolean {
  const origin = getHeader("origin");
  if (!origin || origin === "null") return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const host = (getHeader("x-forwarded-host") ?? "").split(",")[0]?.trim() || getHeader("host");
  return Boolean(host) && originHost.toLowerCase() === host!.toLowerCase();
}
