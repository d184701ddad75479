import { z } from "zod";
import type { UploadResult } from "@/lib/lab-results/upload-result";

/** The upload route (app/api/uploads): one file and the batch's details per request. */
export const UPLOAD_URL = "/api/uploads";

// The route's answer is the upload form's own UploadResult; only its shape is checked here.
const answerSchema = z.looseObject({ status: z.enum(["success", "duplicate", "invalid", "error"]) });
const errorSchema = z.object({ error: z.object({ message: z.string() }) });

/**
 * Posts one file of the batch to the upload route and answers what became of it. A
 * refusal by the gate (signed out, no second factor, not allowed) is that file's error;
 * a lost connection rejects, like a failed fetch.
 */
export async function postUpload(formData: FormData): Promise<UploadResult> {
  const response = await fetch(UPLOAD_URL, {
    method: "POST",
    body: formData,
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  const body: unknown = await response.json().catch(() => null);
  if (answerSchema.safeParse(body).success) return body as UploadResult;
  const refused = errorSchema.safeParse(body);
  return {
    status: "error",
    message: refused.success
      ? refused.data.error.message
      : `The portal answered ${response.status} and stored nothing. Try again.`,
  };
}
