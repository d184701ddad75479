import { requireUser } from "@/lib/account/auth";
import { errorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

/**
 * The signed-in user and their labs (401 JSON without a session): `role` is the role in the
 * current lab ("operator" for a platform operator), each lab carries the user's role in it.
 */
export async function GET(): Promise<Response> {
  try {
    const user = await requireUser({ onFail: "error" });
    return Response.json(
      {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        isOperator: user.isOperator,
        currentLabId: user.currentLab?.id ?? null,
        labs: user.labs.map(({ id, name, role }) => ({ id, name, role })),
      },
      { headers: { "Cache-Control": "no-store, private" } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
