import type { NextRequest } from "next/server";
import { z } from "zod";
import { getDb } from "@/db";
import { searchPatientsForLab } from "@/db/queries/patients";
import { scopeOf } from "@/db/queries/scope";
import { requireUser } from "@/lib/account/auth";
import { AppError, errorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

const querySchema = z.object({ q: z.string().trim().min(1).max(100) });

/** Patients of the current lab whose name, patient id or accession starts with / resembles `q`. */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const user = await requireUser({ onFail: "error" });
    if (!user.currentLab) throw new AppError("forbidden", "Your account is not a member of any lab.");
    const parsed = querySchema.safeParse({ q: request.nextUrl.searchParams.get("q") ?? "" });
    if (!parsed.success) throw new AppError("invalid", "Give a search text of 1 to 100 characters.");
    const rows = await searchPatientsForLab(await getDb(), scopeOf(user), parsed.data.q, 10);
    return Response.json(
      {
        patients: rows.map(({ id, patientId, givenName, familyName, birthDate }) => ({
          id,
          patientId,
          givenName,
          familyName,
          birthDate,
        })),
      },
      { headers: { "Cache-Control": "no-store, private" } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
