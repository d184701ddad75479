import { z } from "zod";
import type { ActionResult } from "@/lib/errors";

/** A form action's answer when its fields did not pass their schema: each field's problems, shown next to it. */
export function invalidFields(error: z.ZodError): ActionResult {
  return {
    status: "invalid",
    message: "Check the highlighted fields.",
    fieldErrors: z.flattenError(error).fieldErrors,
  };
}
