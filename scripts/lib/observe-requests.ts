import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type http from "node:http";
import path from "node:path";
import type { Logger } from "pino";
import { errorFields, getLogger, requestContext } from "../../lib/observability/logger.ts";
import { getMetrics, metricsResponse, secondsSince } from "../../lib/observability/metrics.ts";

/**
 * The front server's observability, in one place: each request gets an id (a sane
 * incoming X-Request-Id, else a new one; passed to Next.js and answered in the response),
 * runs in the logger's request context, and when it ends makes ONE JSON log line and the
 * HTTP metrics: method, route PATTERN (never the path, which carries ids, nor the query
 * string), status, duration, request id and the signed-in user's id. /metrics is answered
 * here, before Next.js, when METRICS_TOKEN is set.
 */

type Route = { page: string; regex: RegExp };

/**
 * The build's routes (`.next/routes-manifest.json`): a path maps to its pattern such as
 * `/patients/[patientId]`. Next's own assets count as one route each; anything else is
 * "unmatched", so that a scan of random paths cannot grow the metrics without bound.
 */
export function loadRouteMatcher(distDir = path.join(process.cwd(), ".next")): (pathname: string) => string {
  let routes: Route[] = [];
  try {
    const manifest = JSON.parse(readFileSync(path.join(distDir, "routes-manifest.json"), "utf8")) as {
      staticRoutes?: Array<{ page: string; regex: string }>;
      dynamicRoutes?: Array<{ page: string; regex: string }>;
    };
    routes = [...(manifest.staticRoutes ?? []), ...(manifest.dynamicRoutes ?? [])].map((route) => ({
      page: route.page,
      regex: new RegExp(route.regex),
    }));
  } catch {
    // No build manifest (tests): only the fixed prefixes below are told apart.
  }
  return (pathname) => routePattern(pathname, routes);
}

export function routePattern(pathname: string, routes: Route[]): string {
  if (pathname.startsWith("/_next/static/")) return "/_next/static";
  if (pathname.startsWith("/_next/image")) return "/_next/image";
  if (pathname === "/metrics") return "/metrics";
  for (const route of routes) if (route.regex.test(pathname)) return route.page;
  // public/ (favicon, robots.txt, the manifest template): one route for all of them.
  if (/^\/[^/]+\.[A-Za-z0-9]{1,8}$/.test(pathname)) return "/[public file]";
  return "unmatched";
}

/** The path of a request target, without its query string (nor a fragment). */
export function pathOf(target: string | undefined): string {
  const raw = target ?? "/";
  const end = raw.search(/[?#]/);
  return end < 0 ? raw : raw.slice(0, end);
}

/** An incoming X-Request-Id we keep: short, plain characters; else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._:-]{8,128}$/.test(value) ? value : randomUUID();
}

export type ObserveOptions = {
  /** METRICS_TOKEN; unset: /metrics is not served (404). */
  metricsToken: string | undefined;
  /** The signed-in user's id from the request's Cookie header, or undefined (no database). */
  userIdOf: (cookieHeader: string) => Promise<string | undefined>;
  routeOf?: (pathname: string) => string;
  /** Where the log lines go (tests); the process's logger by default. */
  logger?: () => Logger;
};

/** An error of the server's own handling, with the request's id (from the logger's context). */
export function logRequestError(error: unknown): void {
  getLogger().error({ event: "request_error", err: errorFields(error) }, "request failed");
}

/**
 * Called first for each request: gives it its id and context and arranges its log line and
 * metrics for when it ends. "answered" when this was a /metrics scrape, answered here.
 */
export function createRequestObserver(
  options: ObserveOptions,
): (request: http.IncomingMessage, response: http.ServerResponse) => "answered" | "pass" {
  const routeOf = options.routeOf ?? loadRouteMatcher();
  const logger = options.logger ?? getLogger;
  const metrics = getMetrics();
  return (request, response) => {
    const start = performance.now();
    const requestId = requestIdOf(request.headers["x-request-id"]);
    request.headers["x-request-id"] = requestId;
    response.setHeader("x-request-id", requestId);
    const pathname = pathOf(request.url);
    const route = routeOf(pathname);
    const method = request.method ?? "GET";
    const cookie = Array.isArray(request.headers.cookie)
      ? request.headers.cookie.join("; ")
      : (request.headers.cookie ?? "");
    response.once("close", () => {
      const status = response.statusCode;
      const seconds = secondsSince(start);
      const labels = { method, route, status: String(status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      void (cookie ? options.userIdOf(cookie).catch(() => undefined) : Promise.resolve(undefined)).then((userId) => {
        logger().info(
          {
            event: "request",
            requestId,
            method,
            route,
            status,
            durationMs: Math.round(seconds * 10_000) / 10,
            ...(userId ? { userId } : {}),
            ...(response.writableFinished ? {} : { aborted: true }),
          },
          "request",
        );
      });
    });
    // The rest of this request's handling (Next.js's included) runs in its context, so
    // every log line it writes carries its id.
    requestContext().enterWith({ requestId });
    if (pathname !== "/metrics" || (method !== "GET" && method !== "HEAD")) return "pass";
    void metricsResponse(request.headers.authorization, options.metricsToken, metrics)
      .then((answer) => {
        response.writeHead(answer.status, { "content-type": answer.contentType, "cache-control": "no-store" });
        response.end(method === "HEAD" ? undefined : answer.body);
      })
      .catch((error: unknown) => {
        logRequestError(error);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    return "answered";
  };
}
