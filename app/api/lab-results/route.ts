import type { NextRequest } from "next/server";
import { requireUser } from "@/lib/account/auth";
import { AppError, errorResponse } from "@/lib/errors";
import { scopeOf } from "@/db/queries/scope";
import { loadLabResultList } from "@/lib/lab-results/list";
import { labResultFiltersSchema } from "@/lib/validations/lab-result-filters";

export const dynamic = "force-dynamic";

/** The current lab's lab results with the page's filters; polled to keep the list live. */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const user = await requireUser({ onFail: "error" });
    if (!user.currentLab) throw new AppError("forbidden", "Your account is not a member of any lab.");
    const params = labResultFiltersSchema.parse(Object.fromEntries(request.nextUrl.searchParams));
    const rows = await loadLabResultList(scopeOf(user), params);
    return Response.json({ results: rows }, { headers: { "Cache-Control": "no-store, private" } });
  } catch (error) {
    return errorResponse(error);
  }
}
