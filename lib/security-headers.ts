/** Response headers of the portal's security baseline, shared by the proxy and next.config. */

export function contentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (options.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * The only policy of a PDF response, inline or attachment: a sandbox without an origin,
 * so that a hostile PDF's scripts and forms reach nothing of the portal.
 */
export const PDF_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; object-src 'none'";

/** The routes that answer with stored PDFs (lab results' originals, interpretation reports, a share link's report). */
export function isPdfDocumentPath(pathname: string): boolean {
  return (
    /^\/api\/(lab-results|reports)\/[^/]+\/document\/?$/.test(pathname) || /^\/s\/[^/]+\/document\/?$/.test(pathname)
  );
}

/** A share link's page, PIN route and PDF (public, by link). */
export function isSharePath(pathname: string): boolean {
  return pathname.startsWith("/s/");
}

/**
 * A share link's responses: never stored by a browser or a proxy, no Referer that would
 * carry the link's token elsewhere, and not indexed by a search engine that was given it.
 */
export const shareLinkHeaders: ReadonlyArray<{ key: string; value: string }> = [
  { key: "Cache-Control", value: "no-store" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Robots-Tag", value: "noindex, nofollow, noarchive" },
];

/** Headers for every response, static files included (the CSP comes from the proxy). */
export const staticSecurityHeaders: ReadonlyArray<{ key: string; value: string }> = [
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/**
 * Pages whose URL is itself a secret (set-password links): no Referer at all, so that a
 * request the page makes elsewhere never carries the token. Sent as a response header,
 * after the baseline, which it overrides for these paths.
 */
export const secretLinkHeaders: ReadonlyArray<{ source: string; headers: Array<{ key: string; value: string }> }> = [
  { source: "/set-password/:path*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
  { source: "/s/:path*", headers: [...shareLinkHeaders] },
];
