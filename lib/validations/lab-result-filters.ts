import { z } from "zod";
import { labResultStatuses } from "@/lib/domain";

/** Filters of the lab results list, as they stand in the URL. Bad values are ignored, not fatal. */
export const labResultFiltersSchema = z.object({
  status: z.enum(labResultStatuses).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
});

export type LabResultFilterParams = z.infer<typeof labResultFiltersSchema>;

/** Turns the URL's dates (whole days, UTC) into the query's [from, to) range. */
export function filterRange(params: LabResultFilterParams): { from?: Date; to?: Date } {
  const from = params.from ? new Date(`${params.from}T00:00:00Z`) : undefined;
  const to = params.to ? new Date(new Date(`${params.to}T00:00:00Z`).getTime() + 24 * 3600 * 1000) : undefined;
  return { from, to };
}
