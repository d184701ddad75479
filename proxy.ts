import { NextResponse, type NextRequest } from "next/server";
import { encode, getToken } from "next-auth/jwt";
import { getAuthSecret, getEnv } from "@/lib/env";
import {
  PDF_CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  isPdfDocumentPath,
  isSharePath,
  shareLinkHeaders,
} from "@/lib/security-headers";
import { withoutInvalidCallbackUrlCookie } from "@/lib/request";
import { isPastAbsoluteLifetime, shouldRefresh } from "@/lib/account/session-policy";

/**
 * Runs before every request except static files. It sets the per-request CSP nonce,
 * keeps the idle timeout sliding on activity, and sends visitors without a session to
 * sign-in. It is a convenience, not the security boundary: every page, action and
 * route handler authorizes on its own.
 */

const PUBLIC_PATHS = ["/sign-in"];
/**
 * Set-password links are opened by people who cannot sign in yet; share links (/s/) by
 * outside physicians and patients, who never sign in.
 */
const PUBLIC_PREFIXES = ["/set-password/", "/s/"];

function sessionCookieName(secure: boolean): string {
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}

export async function proxy(request: NextRequest) {
  const env = getEnv();
  const secure = env.NEXTAUTH_URL.startsWith("https://");
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, { dev: env.NODE_ENV === "development", https: secure });
  const { pathname, search } = request.nextUrl;
  const isApi = pathname.startsWith("/api/");
  const isPrefetch = request.headers.has("next-router-prefetch") || request.headers.get("purpose") === "prefetch";

  // A tampered callback-url cookie that next-auth would answer with a 500: dropped from
  // the request (the portal's own server does so too) and cleared in the browser.
  const badCallbackUrl = withoutInvalidCallbackUrlCookie(request.headers.get("cookie") ?? undefined, env.NEXTAUTH_URL);

  const token = await getToken({ req: request, secret: getAuthSecret(), secureCookie: secure });
  const now = Math.floor(Date.now() / 1000);
  const expired = token !== null && isPastAbsoluteLifetime(token.authTime, env.SESSION_MAX_HOURS, now);
  const signedIn = token !== null && !expired;

  let response: NextResponse;
  if (!signedIn && !isApi && !PUBLIC_PATHS.includes(pathname) && !PUBLIC_PREFIXES.some((p) => pathname.startsWith(p))) {
    const target = new URL("/sign-in", request.url);
    target.searchParams.set("callbackUrl", `${pathname}${search}`);
    if (expired) target.searchParams.set("reason", "expired");
    response = NextResponse.redirect(target);
  } else {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("content-security-policy", csp);
    requestHeaders.set("x-portal-path", `${pathname}${search}`);
    if (badCallbackUrl) requestHeaders.set("cookie", badCallbackUrl.header);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }

  for (const name of badCallbackUrl?.dropped ?? []) response.cookies.delete(name);
  const cookieName = sessionCookieName(secure);
  if (expired) {
    response.cookies.delete(cookieName);
  } else if (
    token &&
    signedIn &&
    !isApi &&
    !isPrefetch &&
    shouldRefresh(token.exp as number | undefined, env.SESSION_IDLE_MINUTES, now)
  ) {
    // Activity: push the idle expiry forward (the absolute lifetime is not extended).
    const maxAge = env.SESSION_IDLE_MINUTES * 60;
    const { exp: _exp, iat: _iat, jti: _jti, ...claims } = token;
    const value = await encode({ token: claims, secret: getAuthSecret(), maxAge });
    response.cookies.set(cookieName, value, {
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/",
      maxAge,
    });
  }

  // Next.js keeps a header the proxy set over the route's own, so a PDF route's sandbox
  // policy must be the one set here: PDF responses carry exactly the PDF policy.
  response.headers.set("Content-Security-Policy", isPdfDocumentPath(pathname) ? PDF_CONTENT_SECURITY_POLICY : csp);
  if (isSharePath(pathname)) {
    for (const { key, value } of shareLinkHeaders) response.headers.set(key, value);
  }
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|favicon.svg|robots.txt|api/docus|api/uploads).*)",
      // Server actions and the upload route (uploads of many MB) and Docus deliveries skip
      // the proxy: it would buffer and cap their bodies, and they authorize on their own.
      missing: [{ type: "header", key: "next-action" }],
    },
  ],
};
