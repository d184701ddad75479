import { checkReadiness } from "@/lib/health";

export const dynamic = "force-dynamic";

/**
 * Readiness, for load balancers and orchestrators: 200 when the database answers, the
 * migrations are current and the job queue has started; else 503 naming the failing part.
 */
export async function GET(): Promise<Response> {
  const readiness = await checkReadiness();
  if (readiness.ready) {
    return Response.json({ status: "ready", checks: readiness.checks }, { headers: { "Cache-Control": "no-store" } });
  }
  return Response.json(
    { status: "not_ready", failing: readiness.failing, reason: readiness.reason, checks: readiness.checks },
    { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "5" } },
  );
}
