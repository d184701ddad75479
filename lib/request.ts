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

/** What an unauthenticated visitor may send to a server action; the sign-in page's own actions are small. */
export const UNAUTHENTICATED_ACTION_BODY_BYTES = 64 * 1024;

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
 * server-action POST without a valid session may not carry more than a small body.
 * Next.js parses an action's body (up to the upload limit, tens of MB) before the action
 * can call requireRole, so without this anyone could make the server hold that much.
 * `verifySession` checks the session cookie's signature (next-auth's `decode` with the
 * secret; no database). Returns the status to answer with (411 without a Content-Length,
 * 413 over the limit), or null to pass the request on. The action itself still
 * authorizes; this only keeps strangers from spending the server's memory.
 */
export async function earlyActionRefusal(
  method: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  verifySession: (token: string) => Promise<boolean>,
  maxBytes = UNAUTHENTICATED_ACTION_BODY_BYTES,
): Promise<411 | 413 | null> {
  if (method !== "POST" || headers["next-action"] === undefined) return null;
  const length = headers["content-length"];
  const declared = typeof length === "string" && /^\d{1,15}$/.test(length.trim()) ? Number(length.trim()) : null;
  if (declared !== null && declared <= maxBytes) return null;
  const cookie = Array.isArray(headers.cookie) ? headers.cookie.join("; ") : (headers.cookie ?? "");
  const token = sessionCookieValue(cookie);
  if (token && (await verifySession(token).catch(() => false))) return null;
  return declared === null ? 411 : 413;
}
