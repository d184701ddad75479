export const dynamic = "force-dynamic";

/** Liveness: the process answers. Touches no dependency, so a slow database never gets an instance restarted. */
export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
