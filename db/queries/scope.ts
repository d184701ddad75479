import type { UserRole } from "@/db/schema";

/**
 * Whom a user-facing query runs for. Every query in db/queries that acts for a signed-in
 * user takes one and filters by it: a row of a lab outside `labIds` is "not found", never
 * "forbidden". Build it with scopeOf from the signed-in user. The queries in
 * db/queries/system/ take none: they bypass lab scoping by design (see their headers).
 */
export type QueryScope = {
  /** The acting user: whose read and review marks, and what is "new to me". */
  userId: string;
  /** The role in the current lab ("operator" for a platform operator); null: no lab and no platform role. */
  role: UserRole | null;
  /**
   * The labs whose rows the user may see. For a signed-in session this is the current lab
   * only (lib/account/auth): a role is per lab, so patient data is read and written in the lab
   * whose role allows it. Administrative views pass the labs the actor administers.
   */
  labIds: string[];
  /** The lab the user is working in: lab-wide lists, counts and the upload read this one. Null: no lab. */
  labId: string | null;
};

/** The scope of a signed-in user (lib/account/auth's CurrentUser, or anything shaped like it). */
export function scopeOf(user: {
  id: string;
  role: UserRole | null;
  labIds: string[];
  currentLab: { id: string } | null;
}): QueryScope {
  return { userId: user.id, role: user.role, labIds: user.labIds, labId: user.currentLab?.id ?? null };
}

/** The lab the user works in, when it is one of their labs; null otherwise (the query finds nothing). */
export function currentLabOf(scope: QueryScope): string | null {
  return scope.labId !== null && scope.labIds.includes(scope.labId) ? scope.labId : null;
}

/**
 * Whether the administrative views (labs, people, the Docus connection) cover every lab:
 * the platform operator's do. Patient data is never widened by this; an operator sees a
 * lab's patients, results and reports only through a membership, like anyone else.
 */
export function seesEveryLab(scope: QueryScope): boolean {
  return scope.role === "operator";
}
