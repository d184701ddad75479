import { receiveDelivery } from "@/lib/docus";

export const dynamic = "force-dynamic";

/**
 * Docus delivers interpretation reports here (docs/docus-contract.md, section 2); lib/docus does the
 * work and this maps its outcome to HTTP: 200 only once the report is stored.
 */

function reply(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

export async function POST(request: Request): Promise<Response> {
  const outcome = await receiveDelivery(request);
  if (outcome.kind === "stored") {
    // The wrong-patient check of the report's text is a job stored with the report (lib/docus/delivery/store.ts).
    return reply(200, { status: "success", duplicate: outcome.duplicate });
  }
  const { status, reason, retryAfterSeconds } = outcome;
  const retryAfter: Record<string, string> = retryAfterSeconds ? { "Retry-After": String(retryAfterSeconds) } : {};
  return reply(status, { status: "error", error: status === 401 ? "Authentication failed." : reason }, retryAfter);
}

function methodNotAllowed(): Response {
  return reply(405, { status: "error", error: "Use POST." }, { Allow: "POST" });
}

export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };
