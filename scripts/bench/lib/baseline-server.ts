import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** A JSON answer, never cached, as the portal's routes give it (with any extra `headers`). */
export function reply(
  response: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(json),
    "Cache-Control": "no-store",
    ...headers,
  });
  response.end(json);
}

/** A node:http server answering with `handle`; a handler that throws answers 500 (or drops the connection). */
export function jsonServer(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Server {
  return createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) reply(response, 500, { status: "error" });
      else response.destroy();
    });
  });
}

/**
 * Listens on 127.0.0.1:`port` and, on the first SIGINT or SIGTERM, closes the server and
 * its connections, runs `release` (database pools, queues) and exits 0.
 */
export function serveUntilSignalled(
  server: Server,
  port: number,
  release: () => Promise<unknown>,
  ready: string,
): void {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      server.close();
      server.closeAllConnections();
      void release().finally(() => process.exit(0));
    });
  }

  server.listen(port, "127.0.0.1", () => {
    console.log(ready);
  });
}
