import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/observability/logger.ts";
import { getMetrics } from "../../lib/observability/metrics.ts";
import { createRequestObserver, pathOf, routePattern } from "./observe-requests.ts";

/**
 * The front server's request log and /metrics, on a real node:http server with the same
 * one-line hook as scripts/lib/portal-server.ts.
 */

const routes = [
  { page: "/patients/[patientId]", regex: /^\/patients\/([^/]+?)(?:\/)?$/ },
  { page: "/api/health", regex: /^\/api\/health(?:\/)?$/ },
];

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(metricsToken: string | undefined) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line)) });
  const observe = createRequestObserver({
    metricsToken,
    userIdOf: async (cookie) => (cookie.includes("next-auth.session-token=valid") ? "user-42" : undefined),
    routeOf: (pathname) => routePattern(pathname, routes),
    logger: () => logger,
  });
  server = http.createServer((request, response) => {
    if (observe(request, response) === "answered") return;
    // What the app logs while handling a request carries the request's id.
    logger.info({ event: "inside" }, "handling");
    response.writeHead(request.url?.startsWith("/patients/") ? 200 : 404);
    response.end("ok");
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const requestLines = async (count: number) => {
    for (let i = 0; i < 100 && lines.filter((l) => l.event === "request").length < count; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    return lines;
  };
  return { base, lines, requestLines };
}

describe("the request log line", () => {
  it("names the route pattern, status, duration, request id and user id, never the path's ids or the query string", async () => {
    const { base, requestLines } = await serve(undefined);
    const response = await fetch(`${base}/patients/PAT-SECRET-77?q=Jane%20Doe&accession=ACC-991`, {
      headers: { cookie: "next-auth.session-token=valid", "x-request-id": "req-from-proxy-0001" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-from-proxy-0001");
    const lines = await requestLines(1);
    const line = lines.find((l) => l.event === "request")!;
    expect(line).toMatchObject({
      level: "info",
      method: "GET",
      route: "/patients/[patientId]",
      status: 200,
      requestId: "req-from-proxy-0001",
      userId: "user-42",
    });
    expect(typeof line.durationMs).toBe("number");
    expect(lines.find((l) => l.event === "inside")?.requestId).toBe("req-from-proxy-0001");
    const text = JSON.stringify(lines);
    for (const secret of ["PAT-SECRET-77", "Jane", "ACC-991", "accession", "?q="]) expect(text).not.toContain(secret);
  });

  it("gives a request without a usable id a new one, and an unknown path the route 'unmatched'", async () => {
    const { base, requestLines } = await serve(undefined);
    const response = await fetch(`${base}/no/such/PAT-1234/page`, {
      headers: { "x-request-id": "bad id with spaces & <tags>" },
    });
    expect(response.status).toBe(404);
    const line = (await requestLines(1)).find((l) => l.event === "request")!;
    expect(line.route).toBe("unmatched");
    expect(line.status).toBe(404);
    expect(line.userId).toBeUndefined();
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-request-id")).toBe(line.requestId);
  });

  it("names public files as one route, and unknown paths 'unmatched'", () => {
    expect(routePattern("/favicon.ico", routes)).toBe("/[public file]");
    expect(routePattern("/patients/PAT-1", routes)).toBe("/patients/[patientId]");
    expect(routePattern("/a/b/c.txt", routes)).toBe("unmatched");
    expect(routePattern("/_next/static/chunks/x.js", routes)).toBe("/_next/static");
  });

  it("pathOf drops the query string and the fragment", () => {
    expect(pathOf("/a/b?x=1#y")).toBe("/a/b");
    expect(pathOf("/a#y?x")).toBe("/a");
    expect(pathOf(undefined)).toBe("/");
  });
});

describe("/metrics", () => {
  it("is 404 when METRICS_TOKEN is unset", async () => {
    const { base } = await serve(undefined);
    const response = await fetch(`${base}/metrics`, { headers: { authorization: "Bearer anything-at-all-123" } });
    expect(response.status).toBe(404);
  });

  it("is 401 without the bearer token or with a wrong one, and the registry's text with it", async () => {
    const token = "metrics-token-0123456789";
    const { base } = await serve(token);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong-token-000000" } })).status).toBe(
      401,
    );
    expect((await fetch(`${base}/metrics`, { headers: { authorization: token } })).status).toBe(401);
    await fetch(`${base}/patients/p-1?name=x`);
    const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const body = await response.text();
    expect(body).toMatch(
      /portal_http_requests_total\{method="GET",route="\/patients\/\[patientId\]",status="200"\} \d+/,
    );
    expect(body).toContain("portal_http_request_duration_seconds_bucket");
    expect(body).toContain("process_cpu_user_seconds_total");
    expect(body).toContain("# TYPE portal_queue_jobs gauge");
    expect(body).not.toContain("p-1");
  });

  it("counts into the process's one registry", () => {
    expect(getMetrics()).toBe(getMetrics());
  });
});
