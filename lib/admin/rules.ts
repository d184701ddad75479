import type { UserRole } from "@/lib/domain";

/** Who is acting: the fields of the signed-in user that the administration rules need. */
export type Actor = { id: string; role: UserRole; labIds: string[] };

/** Roles ranked: an admin may grant only roles at or below their own; only an operator grants operator. */
const rank: Record<UserRole, number> = { operator: 3, admin: 2, technician: 1, doctor: 1 };

export function isOperator(actor: Actor): boolean {
  return actor.role === "operator";
}

/** The labs an actor administers: every lab for an operator, their own for an admin, none otherwise. */
export function administers(actor: Actor, labId: string): boolean {
  if (actor.role === "operator") return true;
  return actor.role === "admin" && actor.labIds.includes(labId);
}

export function assignableRoles(actor: Actor): UserRole[] {
  if (actor.role === "operator") return ["operator", "admin", "technician", "doctor"];
  if (actor.role === "admin") return ["admin", "technician", "doctor"];
  return [];
}

export function canGrantRole(actor: Actor, role: UserRole): boolean {
  return assignableRoles(actor).includes(role) && rank[role] <= rank[actor.role];
}

/**
 * May the actor manage this user at all? An operator manages everyone; an admin manages
 * non-operators who share at least one lab with them.
 */
export function canManageUser(actor: Actor, target: { role: UserRole; labIds: string[] }): boolean {
  if (actor.role === "operator") return true;
  if (actor.role !== "admin" || target.role === "operator") return false;
  return target.labIds.some((id) => actor.labIds.includes(id));
}

/**
 * The memberships a user ends with when the actor asks for `requested`: the actor decides
 * only about the labs they administer; memberships elsewhere stay as they are. Returns the
 * labs asked for that the actor does not administer as `refused`.
 */
export function mergeMemberships(
  actor: Actor,
  current: string[],
  requested: string[],
): { labIds: string[]; refused: string[] } {
  const refused = requested.filter((id) => !administers(actor, id) && !current.includes(id));
  const kept = current.filter((id) => !administers(actor, id));
  const granted = requested.filter((id) => administers(actor, id));
  return { labIds: [...new Set([...kept, ...granted])].sort(), refused };
}

/** Labs in which the user is an active admin before the change and would not be after it. */
export function adminSeatsLost(
  before: { role: UserRole; active: boolean; labIds: string[] },
  after: { role: UserRole; active: boolean; labIds: string[] },
): string[] {
  if (before.role !== "admin" || !before.active) return [];
  return before.labIds.filter((id) => !(after.active && after.role === "admin" && after.labIds.includes(id)));
}

export function losesOperatorSeat(
  before: { role: UserRole; active: boolean },
  after: { role: UserRole; active: boolean },
): boolean {
  return before.role === "operator" && before.active && !(after.role === "operator" && after.active);
}
