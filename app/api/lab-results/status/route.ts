import type { NextRequest } from "next/server";
import { z } from "zod";
import { getDb } from "@/db";
import { getLabResultStatesForUser } from "@/db/queries/lab-result-submissions";
import { scopeOf } from "@/db/queries/scope";
import { requireUser } from "@/lib/account/auth";
import { spacingMs } from "@/lib/docus";
import { getEnv } from "@/lib/env";
import { AppError, errorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

const idsSchema = z.array(z.uuid()).min(1).max(200);

/** Current states of the given lab results (ids of other labs are simply absent). */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const user = await requireUser({ onFail: "error" });
    const parsed = idsSchema.safeParse((request.nextUrl.searchParams.get("ids") ?? "").split(",").filter(Boolean));
    if (!parsed.success) throw new AppError("invalid", "Give 1 to 200 lab result ids.");
    const rows = await getLabResultStatesForUser(
      await getDb(),
      scopeOf(user),
      parsed.data,
      spacingMs(getEnv().DOCUS_RATE_PER_MINUTE),
    );
    return Response.json(
      {
        results: rows.map((r) => ({
          ...r,
          nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
          expectedAt: r.expectedAt?.toISOString() ?? null,
        })),
      },
      { headers: { "Cache-Control": "no-store, private" } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
