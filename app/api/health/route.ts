import { pingDb } from "@/db";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers and the CI wait loop. */
export async function GET(): Promise<Response> {
  try {
    await pingDb();
    return Response.json({ status: "ok", db: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json(
      { status: "error", db: "unreachable" },
      { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "5" } },
    );
  }
}
