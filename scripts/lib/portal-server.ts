import http from "node:http";
import { earlyActionRefusal, resolveClientAddress, sessionCookieValue } from "../../lib/request.ts";
import { createRequestObserver, logRequestError } from "./observe-requests.ts";

/**
 * The production portal in this process: Next.js behind a small `node:http` server of
 * our own (Next's documented custom-server mode) instead of `next start` in a child
 * process. One process less (the launcher is the server), and this server sees what the
 * application cannot:
 * - the socket, so X-Forwarded-For carries the address resolved from it and
 *   TRUST_PROXY_HOPS, never one a client made up (Next fills the header from the socket
 *   only when it is missing);
 * - a request before its body is read, so a large server-action body without a valid
 *   session is refused before Next.js would parse it (lib/request.ts, earlyActionRefusal).
 */

export type PortalServerOptions = {
  port: number;
  hostname?: string;
  /** How many reverse proxies in front append to X-Forwarded-For (0: trust none). */
  trustedHops: number;
  /** Signs the session cookie: a cookie that decodes with it is a session (no database). */
  authSecret: string;
  /** Bearer token of /metrics; unset: no metrics endpoint. */
  metricsToken?: string;
};

export type PortalServer = {
  server: http.Server;
  /** Stops taking new connections; requests already in progress finish. */
  stopListening: () => Promise<void>;
};

export async function startPortalServer(options: PortalServerOptions): Promise<PortalServer> {
  // Imported here, once NODE_ENV is settled: React picks its build when first loaded.
  const { default: next } = await import("next");
  const { decode } = await import("next-auth/jwt");
  const app = next({ dev: false, dir: process.cwd(), port: options.port, hostname: options.hostname ?? "localhost" });
  await app.prepare();
  const handle = app.getRequestHandler();
  const verifySession = async (token: string) => (await decode({ token, secret: options.authSecret })) !== null;
  // Request ids, one JSON log line per request, the HTTP metrics and /metrics: observe-requests.ts.
  const observe = createRequestObserver({
    metricsToken: options.metricsToken,
    userIdOf: async (cookie) => {
      const token = sessionCookieValue(cookie);
      return token ? ((await decode({ token, secret: options.authSecret }))?.sub ?? undefined) : undefined;
    },
  });

  const server = http.createServer((request, response) => {
    if (observe(request, response) === "answered") return;
    const address = resolveClientAddress(
      request.headers["x-forwarded-for"],
      request.socket.remoteAddress,
      options.trustedHops,
    );
    if (address) request.headers["x-forwarded-for"] = address;
    else delete request.headers["x-forwarded-for"];
    delete request.headers["x-real-ip"];
    void (async () => {
      const refusal = await earlyActionRefusal(request.method, request.headers, verifySession);
      if (refusal !== null) {
        // Answer without reading the body, and close the connection rather than drain it.
        response.writeHead(refusal, { "content-type": "text/plain; charset=utf-8", connection: "close" });
        response.end(refusal === 411 ? "Length required.\n" : "Sign in first: the request is too large.\n");
        return;
      }
      await handle(request, response);
    })().catch((error: unknown) => {
      logRequestError(error);
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, () => {
      server.off("error", reject);
      resolve();
    });
  });
  let stopped: Promise<void> | undefined;
  return {
    server,
    stopListening: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open; busy ones finish first.
        server.closeIdleConnections();
      })),
  };
}
