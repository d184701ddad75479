import type { Server, ServerResponse } from "node:http";

/** A JSON answer, never cached, as the portal's routes give it. */
export function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(json),
    "Cache-Control": "no-store",
  });
  response.end(json);
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
