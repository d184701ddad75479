import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import {
  serverActionsBodyLimit,
  UNAUTHENTICATED_BODY_BYTES,
  resolveClientAddress,
  sessionCookieValue,
  unauthenticatedBodyCheck,
  withoutInvalidCallbackUrlCookie,
  withoutInvalidCallbackUrlParam,
} from "../../lib/request.ts";
import { createRequestObserver, logRequestError } from "./observe-requests.ts";

/**
 * The production portal in this process: Next.js behind a small `node:http` server of
 * our own (Next's documented custom-server mode) instead of `next start` in a child
 * process. One process less (the launcher is the server), and this server sees what the
 * application cannot:
 * - the socket, so X-Forwarded-For carries the address resolved from it and
 *   TRUST_PROXY_HOPS, never one a client made up (Next fills the header from the socket
 *   only when it is missing);
 * - a request before its body is read, so a body over 64 KB without a valid session is
 *   refused before Next.js would parse it (lib/request.ts, unauthenticatedBodyCheck): by
 *   its Content-Length without reading it, or, chunked, by counting while it streams;
 * - every request's cookies, so a tampered next-auth callback-url cookie is dropped
 *   before next-auth would answer it with a 500.
 */

/**
 * Serves with the configuration the build resolved (.next/required-server-files.json), as
 * Next's own standalone server does, instead of compiling next.config.ts again at every
 * start: that loads Next's SWC compiler (some 25 MB that stay in memory) and takes
 * seconds. The one setting next.config.ts derives from the run-time environment, the
 * server actions' body limit from MAX_UPLOAD_MB, is worked out again here. Without that
 * file (an unusual build), Next loads next.config.ts as before.
 */
function preferBuiltConfig(maxUploadMb: number): void {
  if (process.env.__NEXT_PRIVATE_STANDALONE_CONFIG) return;
  let config: { experimental?: { serverActions?: Record<string, unknown> } };
  try {
    config = (
      JSON.parse(readFileSync(path.join(process.cwd(), ".next", "required-server-files.json"), "utf8")) as {
        config: typeof config;
      }
    ).config;
  } catch {
    return;
  }
  const serverActions = config.experimental?.serverActions ?? {};
  config.experimental = {
    ...config.experimental,
    serverActions: { ...serverActions, bodySizeLimit: serverActionsBodyLimit(maxUploadMb) },
  };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}

/** 413, without reading (more of) the body; the connection closes rather than drain it. */
function refuseBody(response: http.ServerResponse): void {
  response.writeHead(413, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  response.end("Sign in first: the request is too large.\n");
}

/** The body, if it ends within `maxBytes`; null as soon as it goes beyond (reading stops there). */
function readUpTo(request: http.IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
      request.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        done();
        request.pause();
        resolve(null);
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(new Error("The client went away before the body ended."));
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
    request.on("close", onClose);
  });
}

/** The same request with its (small, already read) body, as a fresh stream for Next.js. */
function replay(original: http.IncomingMessage, body: Buffer): http.IncomingMessage {
  const copy = new http.IncomingMessage(original.socket);
  copy.method = original.method;
  copy.url = original.url;
  copy.httpVersion = original.httpVersion;
  copy.httpVersionMajor = original.httpVersionMajor;
  copy.httpVersionMinor = original.httpVersionMinor;
  const headers = { ...original.headers, "content-length": String(body.length) };
  delete headers["transfer-encoding"];
  copy.headers = headers;
  copy.rawHeaders = Object.entries(headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value ?? ""]).flatMap((v) => [name, v]),
  );
  // All of it has arrived: Node would otherwise take the stream's end for an aborted
  // request and destroy the socket under the response.
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

export type PortalServerOptions = {
  port: number;
  hostname?: string;
  /** How many reverse proxies in front append to X-Forwarded-For (0: trust none). */
  trustedHops: number;
  /** The portal's origin (NEXTAUTH_URL): a callback-url cookie is judged against it. */
  origin: string;
  /** Signs the session cookie: a cookie that decodes with it is a session (no database). */
  authSecret: string;
  /** Bearer token of /metrics; unset: no metrics endpoint. */
  metricsToken?: string;
  /** MAX_UPLOAD_MB: the server actions' body limit follows it (see preferBuiltConfig). */
  maxUploadMb?: number;
};

export type PortalServer = {
  server: http.Server;
  /** Stops taking new connections; requests already in progress finish. */
  stopListening: () => Promise<void>;
};

export async function startPortalServer(options: PortalServerOptions): Promise<PortalServer> {
  // Imported here, once NODE_ENV is settled: React picks its build when first loaded.
  preferBuiltConfig(options.maxUploadMb ?? 20);
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

  const onRequest = (request: http.IncomingMessage, response: http.ServerResponse, expectsContinue: boolean) => {
    if (observe(request, response) === "answered") return;
    const address = resolveClientAddress(
      request.headers["x-forwarded-for"],
      request.socket.remoteAddress,
      options.trustedHops,
    );
    if (address) request.headers["x-forwarded-for"] = address;
    else delete request.headers["x-forwarded-for"];
    delete request.headers["x-real-ip"];
    // A callback-url cookie that next-auth would refuse (a tampered one) would make every
    // page and action that reads the session answer 500: it is dropped, as if absent.
    const cookies = withoutInvalidCallbackUrlCookie(request.headers.cookie, options.origin);
    if (cookies) {
      request.headers.cookie = cookies.header;
      // And the browser's copy is cleared, so that it is not sent again.
      for (const name of cookies.dropped)
        response.appendHeader(
          "set-cookie",
          `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`,
        );
    }
    // Likewise a callbackUrl parameter next-auth would refuse on its own routes.
    const url = withoutInvalidCallbackUrlParam(request.url, options.origin);
    if (url !== null) request.url = url;
    void (async () => {
      const check = await unauthenticatedBodyCheck(request.url, request.headers, verifySession);
      if (check === "refuse") return refuseBody(response);
      // "Expect: 100-continue": the client waits for this before it sends the body.
      if (expectsContinue) response.writeContinue();
      if (check === "count") {
        const body = await readUpTo(request, UNAUTHENTICATED_BODY_BYTES);
        if (body === null) return refuseBody(response);
        return handle(replay(request, body), response);
      }
      await handle(request, response);
    })().catch((error: unknown) => {
      logRequestError(error);
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      response.end();
    });
  };
  const server = http.createServer((request, response) => onRequest(request, response, false));
  // Without this listener Node would answer "100 Continue" itself, inviting a body that is then refused.
  server.on("checkContinue", (request: http.IncomingMessage, response: http.ServerResponse) =>
    onRequest(request, response, true),
  );
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
