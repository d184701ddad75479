export async function register(): Promise<void> {
  // The server's start-up work needs Node APIs; the edge runtime never runs it.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./lib/startup");
    await startServer();
  }
}

type ErrorContext = { routerKind: string; routePath: string; routeType: string };
type ErrorRequest = { method: string; path: string; headers: Record<string, string | string[] | undefined> };

/**
 * Every error Next.js catches while rendering or running a route, as one JSON log line
 * with the request's id (the front server sets x-request-id) and the route's pattern,
 * never its path (which can carry ids) or query string.
 */
export async function onRequestError(error: unknown, request: ErrorRequest, context: ErrorContext): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { errorFields, getLogger } = await import("./lib/observability/logger");
  const requestId = request.headers["x-request-id"];
  getLogger().error(
    {
      event: "request_error",
      requestId: typeof requestId === "string" ? requestId : undefined,
      method: request.method,
      route: context.routePath,
      routeType: context.routeType,
      digest: typeof error === "object" && error !== null && "digest" in error ? String(error.digest) : undefined,
      err: errorFields(error),
    },
    "request failed",
  );
}
