import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { scopeOf } from "@/db/queries/scope";
import { requireRole } from "@/lib/account/auth";
import { getEnv } from "@/lib/env";
import { AppError, errorResponse } from "@/lib/errors";
import { isSameOriginRequest } from "@/lib/request";
import type { UploadResult } from "@/lib/lab-results/upload-result";
import { parseUploadForm, readUploadForm, uploadResultOf } from "@/lib/uploads/form";
import { notAMemberMessage, uploadLabResult } from "@/lib/uploads/upload";

export const dynamic = "force-dynamic";

/** Room for the form's fields and the multipart framing around the file. */
const FORM_OVERHEAD_BYTES = 256 * 1024;

const STATUS: Record<UploadResult["status"], number> = { success: 201, duplicate: 409, invalid: 422, error: 503 };

/** The form's answer, whatever it is, as JSON; the HTTP status only echoes it. `timing`: Server-Timing phases (ms). */
function answer(result: UploadResult, timing: Record<string, number> = {}): Response {
  const serverTiming = Object.entries(timing)
    .map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`)
    .join(", ");
  return Response.json(result, {
    status: STATUS[result.status],
    headers: { "Cache-Control": "no-store", ...(serverTiming ? { "Server-Timing": serverTiming } : {}) },
  });
}

/**
 * One lab-result PDF from the upload page (multipart: the form's fields and the file),
 * through the one upload service (lib/uploads). A route, not a server action: the page
 * sends a batch's files a few at a time (server actions of a page run one after another,
 * each answered with the page re-rendered), and every answer is the file's real outcome.
 * Signed in, second factor done, technician or admin of the lab; same origin only.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const user = await requireRole(["technician", "admin"], { onFail: "error" });
    if (!isSameOriginRequest((name) => request.headers.get(name)))
      throw new AppError("forbidden", "Uploads are taken from the portal's own pages only.");
    const lab = user.currentLab;
    if (!lab) return answer({ status: "error", message: notAMemberMessage() });
    const maxUploadMb = getEnv().MAX_UPLOAD_MB;
    const length = Number(request.headers.get("content-length"));
    if (!Number.isFinite(length) || length <= 0)
      return Response.json(
        { error: { code: "length_required", message: "The upload must say its length." } },
        { status: 411 },
      );
    if (length > maxUploadMb * 1024 * 1024 + FORM_OVERHEAD_BYTES)
      return answer({
        status: "invalid",
        fieldErrors: { file: [`The file is larger than the ${maxUploadMb} MB limit.`] },
      });

    const started = performance.now();
    const form = await readUploadForm(
      request.body,
      { contentType: request.headers.get("content-type"), contentLength: length },
      maxUploadMb,
    );
    if (!form.ok) return answer(form.answer);
    const parsed = parseUploadForm(form.form, maxUploadMb);
    if (!parsed.ok) return answer(parsed.answer);
    const read = performance.now();
    const outcome = await uploadLabResult(
      await getDb(),
      { scope: scopeOf(user), userId: user.id, lab },
      { ...parsed.request, file: parsed.file },
      { maxUploadMb },
    );
    if (outcome.kind === "queued" || outcome.kind === "held") {
      revalidatePath("/lab-results");
      revalidatePath("/");
    }
    // Where a file's time goes on the server (the batch benchmark sums these per file).
    return answer(uploadResultOf(outcome), { body: read - started, upload: performance.now() - read });
  } catch (error) {
    return errorResponse(error);
  }
}
