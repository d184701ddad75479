import type { QueryScope } from "@/db/queries/scope";
import type { UserRole } from "@/db/schema";

/** A user's query scope in tests: the labs they may see, working in `labId` (the first of them unless given). */
export function scopeFor(
  userId: string,
  labIds: string[],
  labId: string | null = labIds[0] ?? null,
  role: UserRole = "doctor",
): QueryScope {
  return { userId, role, labIds, labId };
}
