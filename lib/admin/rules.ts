import type { QueryScope } from "@/db/queries/scope";
import { labRoles, type LabRole, type UserRole } from "@/lib/domain";

/** A membership: the person's role in one lab. */
export type Membership = { labId: string; role: LabRole };

/**
 * Who is acting: the fields of the signed-in user that the administration rules need.
 * `role` is "operator" for a platform operator (whatever lab they work in); the lab roles
 * are those of `labs`, one per membership.
 */
export type Actor = { id: string; role: UserRole | null; labs: { id: string; role: LabRole }[] };

/** The person acted on: platform operator or not, and their memberships. */
export type Target = { isOperator: boolean; memberships: Membership[] };

/** Refusal of an account-wide change on someone who is also in a lab the actor does not administer. */
export const OTHER_LAB_MESSAGE = "also a member of a lab you do not administer: ask an operator";

export function isOperator(actor: Actor): boolean {
  return actor.role === "operator";
}

/** The actor's role in a lab (undefined: not a member). */
export function roleIn(actor: Actor, labId: string): LabRole | undefined {
  return actor.labs.find((l) => l.id === labId)?.role;
}

/** An operator administers every lab; anyone else the labs where their membership is admin. */
export function administers(actor: Actor, labId: string): boolean {
  return isOperator(actor) || roleIn(actor, labId) === "admin";
}

/** The ids of the labs in which the actor is an admin (an operator: see isOperator). */
export function administeredLabIds(actor: Actor): string[] {
  return actor.labs.filter((l) => l.role === "admin").map((l) => l.id);
}

/** The roles the actor may give in a lab: every lab role where they administer it, none elsewhere. */
export function assignableRoles(actor: Actor, labId: string): LabRole[] {
  return administers(actor, labId) ? [...labRoles] : [];
}

export function canGrantRole(actor: Actor, labId: string, role: LabRole): boolean {
  return assignableRoles(actor, labId).includes(role);
}

/** The roles of the new-person form: a lab role applies to each lab chosen; operator is for operators to give. */
export function creatableRoles(actor: Actor): UserRole[] {
  if (isOperator(actor)) return ["operator", ...labRoles];
  return administeredLabIds(actor).length > 0 ? [...labRoles] : [];
}

/**
 * The scope of the administrative views (people, labs): every lab for an operator
 * (seesEveryLab), else the labs the actor administers, whatever lab they work in.
 */
export function administrationScope(actor: Actor, currentLabId: string | null): QueryScope {
  return {
    userId: actor.id,
    role: actor.role,
    labIds: isOperator(actor) ? [] : administeredLabIds(actor),
    labId: currentLabId,
  };
}

/** Only an operator makes (or unmakes) an operator. */
export function canGrantOperator(actor: Actor): boolean {
  return isOperator(actor);
}

/**
 * May the actor open this person's page at all? An operator manages everyone; an admin
 * manages non-operators who belong to at least one lab the admin administers.
 */
export function canManageUser(actor: Actor, target: Target): boolean {
  if (isOperator(actor)) return true;
  if (target.isOperator) return false;
  return target.memberships.some((m) => administers(actor, m.labId));
}

/**
 * Why the actor may not make an account-wide change (password, second factor, activation,
 * e-mail, name) to this person, or null if they may: an operator may; an admin only for a
 * non-operator all of whose labs they administer.
 */
export function accountWideRefusal(actor: Actor, target: Target): string | null {
  if (isOperator(actor)) return null;
  if (target.isOperator) return "Only an operator can change an operator.";
  if (!canManageUser(actor, target)) return "That user was not found among the people you manage.";
  if (target.memberships.some((m) => !administers(actor, m.labId))) return OTHER_LAB_MESSAGE;
  return null;
}

/**
 * The memberships a user ends with when the actor asks for `requested`: the actor decides
 * only about the labs they administer (membership and role); memberships elsewhere stay
 * as they are. Returns the labs asked for that the actor does not administer and where the
 * request differs from what is (a new membership or another role) as `refused`.
 */
export function mergeMemberships(
  actor: Actor,
  current: Membership[],
  requested: Membership[],
): { memberships: Membership[]; refused: string[] } {
  const refused = requested
    .filter((r) => !administers(actor, r.labId))
    .filter((r) => !current.some((c) => c.labId === r.labId && c.role === r.role))
    .map((r) => r.labId);
  const kept = current.filter((c) => !administers(actor, c.labId));
  const granted = new Map<string, LabRole>();
  for (const r of requested) if (administers(actor, r.labId)) granted.set(r.labId, r.role);
  const memberships = [...kept, ...[...granted].map(([labId, role]) => ({ labId, role }))];
  return { memberships: sortMemberships(memberships), refused: [...new Set(refused)].sort() };
}

export function sortMemberships(memberships: Membership[]): Membership[] {
  return [...memberships].sort((a, b) => (a.labId < b.labId ? -1 : a.labId > b.labId ? 1 : 0));
}

type SeatState = { active: boolean; memberships: Membership[] };

function adminLabs(state: SeatState): string[] {
  return state.active ? state.memberships.filter((m) => m.role === "admin").map((m) => m.labId) : [];
}

/** Labs in which the user is an active admin before the change and would not be after it. */
export function adminSeatsLost(before: SeatState, after: SeatState): string[] {
  const kept = adminLabs(after);
  return adminLabs(before).filter((id) => !kept.includes(id));
}

export function losesOperatorSeat(
  before: { isOperator: boolean; active: boolean },
  after: { isOperator: boolean; active: boolean },
): boolean {
  return before.isOperator && before.active && !(after.isOperator && after.active);
}
