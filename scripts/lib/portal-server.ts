import http from "node:http";

/**
 * The production portal in this process: Next.js behind a small `node:http` server of
 * our own (Next's documented custom-server mode) instead of `next start` in a child
 * process. Two reasons: one process less (the launcher is the server), and the server
 * sees the socket, so X-Forwarded-For carries the address the portal can vouch for,
 * never one the client made up (Next fills it from the socket only when it is missing).
 */

export type PortalServer = {
  server: http.Server;
  /** Stops taking new connections; requests already in progress finish. */
  stopListening: () => Promise<void>;
};

/** The address to put in X-Forwarded-For for the application: the socket's peer. */
export function peerAddress(request: http.IncomingMessage): string | undefined {
  return request.socket.remoteAddress;
}

export async function startPortalServer(options: { port: number; hostname?: string }): Promise<PortalServer> {
  // Imported here, once NODE_ENV is settled: React picks its build when first loaded.
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: process.cwd(), port: options.port, hostname: options.hostname ?? "localhost" });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((request, response) => {
    // Whatever a client sent as its own address is replaced by the one we saw.
    const address = peerAddress(request);
    if (address) request.headers["x-forwarded-for"] = address;
    else delete request.headers["x-forwarded-for"];
    delete request.headers["x-real-ip"];
    void handle(request, response);
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
