import { getDb } from "@/db";
import { listUnreadReportsForUser } from "@/db/queries/report-read-marks";
import { scopeOf } from "@/db/queries/scope";
import { requireUser } from "@/lib/account/auth";
import { errorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** New interpretation reports of the current lab that this user has not opened yet. */
export async function GET(): Promise<Response> {
  try {
    const user = await requireUser({ onFail: "error" });
    if (!user.currentLab)
      return Response.json({ unread: 0, latest: [] }, { headers: { "Cache-Control": "no-store, private" } });
    const { count, latest } = await listUnreadReportsForUser(await getDb(), scopeOf(user), 10);
    return Response.json(
      { unread: count, latest: latest.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })) },
      { headers: { "Cache-Control": "no-store, private" } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
