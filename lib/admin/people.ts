import "server-only";
import { inArray } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { normalizeEmail, findUserByEmail } from "@/db/queries/users";
import {
  countOtherActiveAdmins,
  countOtherActiveOperators,
  getPersonState,
  lockLabs,
  lockOperators,
  writePerson,
  type PersonState,
} from "@/db/queries/people";
import { retirePasswordLinks, setPasswordHash } from "@/db/queries/password-links";
import { labMemberships, labs, users, type UserRole } from "@/db/schema";
import { recordChange } from "@/lib/admin/audit-change";
import { issuePasswordToken } from "@/lib/admin/password-links";
import {
  adminSeatsLost,
  administers,
  canGrantRole,
  canManageUser,
  losesOperatorSeat,
  mergeMemberships,
  type Actor,
} from "@/lib/admin/rules";
import { hashPassword } from "@/lib/password";
import { randomBytes } from "node:crypto";

export type Outcome<T = object> =
  ({ ok: true } & T) | { ok: false; reason: "not_found" | "forbidden" | "conflict" | "invalid"; message: string };

const notFound = {
  ok: false,
  reason: "not_found",
  message: "That user was not found among the people you manage.",
} as const;

function refuse(reason: "forbidden" | "conflict" | "invalid", message: string): Outcome<never> {
  return { ok: false, reason, message };
}

/** A hash nobody can sign in with: a user without a password yet, or whose password was reset. */
async function unusablePasswordHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString("base64url"));
}

async function labNames(db: Db | Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: labs.id, name: labs.name }).from(labs).where(inArray(labs.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Checks that nobody ends up locked out: the last active admin of a lab, the last active operator. */
async function lockoutProblem(
  tx: Tx,
  before: PersonState,
  after: { role: UserRole; active: boolean; labIds: string[] },
): Promise<string | null> {
  const lost = adminSeatsLost(before, after);
  if (lost.length > 0) {
    await lockLabs(tx, lost);
    const names = await labNames(tx, lost);
    for (const labId of lost) {
      if ((await countOtherActiveAdmins(tx, labId, before.id)) === 0) {
        return `${before.email} is the last active admin of ${names.get(labId) ?? "a lab"}; make someone else its admin first.`;
      }
    }
  }
  if (losesOperatorSeat(before, after)) {
    await lockOperators(tx);
    if ((await countOtherActiveOperators(tx, before.id)) === 0) {
      return `${before.email} is the last active operator; make someone else an operator first.`;
    }
  }
  return null;
}

export type CreatePersonInput = { name: string; email: string; role: UserRole; labIds: string[] };

/** Creates a user without a usable password and returns their one-time set-password token. */
export async function createPerson(
  db: Db,
  actor: Actor,
  input: CreatePersonInput,
): Promise<Outcome<{ userId: string; token: string }>> {
  if (!canGrantRole(actor, input.role)) return refuse("forbidden", `You cannot give the role ${input.role}.`);
  const labIds = [...new Set(input.labIds)].sort();
  if (labIds.some((id) => !administers(actor, id)))
    return refuse("forbidden", "You can only add people to labs you administer.");
  if (input.role !== "operator" && labIds.length === 0) return refuse("invalid", "Choose at least one lab.");
  if ((await labNames(db, labIds)).size !== labIds.length)
    return refuse("invalid", "One of the chosen labs does not exist.");
  if (await findUserByEmail(db, input.email))
    return refuse("conflict", "Someone with that email already has an account.");
  const passwordHash = await unusablePasswordHash();
  const created = await db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: normalizeEmail(input.email), name: input.name, passwordHash, role: input.role })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!user) return undefined;
    if (labIds.length > 0) await tx.insert(labMemberships).values(labIds.map((labId) => ({ userId: user.id, labId })));
    const token = await issuePasswordToken(tx, user.id, actor.id);
    await recordChange(tx, {
      action: "user.create",
      actorId: actor.id,
      labIds,
      details: {
        targetUserId: user.id,
        before: null,
        after: { email: normalizeEmail(input.email), name: input.name, role: input.role, labIds, active: true },
      },
    });
    return { userId: user.id, token };
  });
  if (!created) return refuse("conflict", "Someone with that email already has an account.");
  return { ok: true, ...created };
}

/** The person, if the actor may manage them (else "not found", as for another lab's rows). */
async function manageable(db: Db | Tx, actor: Actor, userId: string): Promise<PersonState | undefined> {
  const person = await getPersonState(db, userId);
  if (!person) return undefined;
  if (actor.role === "admin" && person.role === "operator")
    return person.labIds.some((id) => actor.labIds.includes(id)) ? person : undefined;
  return canManageUser(actor, person) ? person : undefined;
}

/**
 * Changes a user's role and, within the labs the actor administers, their memberships.
 * `labIds` is the full list the actor wants among their own labs.
 */
export async function updatePerson(
  db: Db,
  actor: Actor,
  input: { userId: string; role: UserRole; labIds: string[] },
): Promise<Outcome> {
  return db.transaction(async (tx) => {
    const before = await manageable(tx, actor, input.userId);
    if (!before) return notFound;
    if (!canManageUser(actor, before)) return refuse("forbidden", "Only an operator can change an operator.");
    if (input.role !== before.role && !canGrantRole(actor, input.role))
      return refuse("forbidden", `You cannot give the role ${input.role}.`);
    const merged = mergeMemberships(actor, before.labIds, input.labIds);
    if (merged.refused.length > 0) return refuse("forbidden", "You can only add people to labs you administer.");
    if (input.role !== "operator" && merged.labIds.length === 0) return refuse("invalid", "Keep at least one lab.");
    if ((await labNames(tx, merged.labIds)).size !== merged.labIds.length)
      return refuse("invalid", "One of the chosen labs does not exist.");
    const after = { role: input.role, active: before.active, labIds: merged.labIds };
    const problem = await lockoutProblem(tx, before, after);
    if (problem) return refuse("conflict", problem);
    if (after.role === before.role && after.labIds.join() === before.labIds.join()) return { ok: true };
    await writePerson(tx, before.id, { role: after.role, labIds: after.labIds });
    await recordChange(tx, {
      action: "user.update",
      actorId: actor.id,
      labIds: [...before.labIds, ...after.labIds],
      details: {
        targetUserId: before.id,
        before: { role: before.role, labIds: before.labIds },
        after: { role: after.role, labIds: after.labIds },
      },
    });
    return { ok: true };
  });
}

/** Deactivates (ending every session at once) or reactivates a user. */
export async function setPersonActive(
  db: Db,
  actor: Actor,
  input: { userId: string; active: boolean },
): Promise<Outcome> {
  if (input.userId === actor.id) return refuse("invalid", "You cannot deactivate your own account.");
  return db.transaction(async (tx) => {
    const before = await manageable(tx, actor, input.userId);
    if (!before) return notFound;
    if (!canManageUser(actor, before)) return refuse("forbidden", "Only an operator can change an operator.");
    if (before.active === input.active) return { ok: true };
    const problem = await lockoutProblem(tx, before, {
      role: before.role,
      active: input.active,
      labIds: before.labIds,
    });
    if (problem) return refuse("conflict", problem);
    await writePerson(tx, before.id, { active: input.active, endSessions: true });
    // A deactivated person's open set-password links die with their access; reactivating does not revive them.
    if (!input.active) await retirePasswordLinks(tx, before.id);
    await recordChange(tx, {
      action: input.active ? "user.activate" : "user.deactivate",
      actorId: actor.id,
      labIds: before.labIds,
      details: { targetUserId: before.id, before: { active: before.active }, after: { active: input.active } },
    });
    return { ok: true };
  });
}

/**
 * Resets a user's password: the old one stops working, every session ends, and a new
 * one-time set-password token is returned (shown once to the admin).
 */
export async function resetPassword(
  db: Db,
  actor: Actor,
  userId: string,
): Promise<Outcome<{ token: string; email: string }>> {
  if (userId === actor.id) return refuse("invalid", "Change your own password on your account page.");
  const passwordHash = await unusablePasswordHash();
  return db.transaction(async (tx) => {
    const person = await manageable(tx, actor, userId);
    if (!person) return notFound;
    if (!canManageUser(actor, person)) return refuse("forbidden", "Only an operator can change an operator.");
    await setPasswordHash(tx, person.id, passwordHash);
    const token = await issuePasswordToken(tx, person.id, actor.id);
    await recordChange(tx, {
      action: "user.password_reset",
      actorId: actor.id,
      labIds: person.labIds,
      details: {
        targetUserId: person.id,
        before: { passwordLink: "none or replaced" },
        after: { passwordLink: "issued", sessionsEnded: true },
      },
    });
    return { ok: true, token, email: person.email };
  });
}

/** The person for an edit page: undefined unless the actor may see them. */
export { manageable as getManageablePerson };
