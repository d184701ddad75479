import { z } from "zod";

/** The patients page's URL state; bad values fall back to defaults rather than erroring. */
export const patientSearchSchema = z.object({
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .catch(undefined)
    .transform((v) => (v ? v : undefined)),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
