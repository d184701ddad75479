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
import { clearTwoFactor } from "@/db/queries/two-factor";
import { labMemberships, labs, users, type UserRole } from "@/db/schema";
import { recordChange } from "@/lib/audit-change";
import { issuePasswordToken } from "@/lib/account/password-links";
import {
  accountWideRefusal,
  adminSeatsLost,
  administers,
  canGrantOperator,
  canGrantRole,
  canManageUser,
  losesOperatorSeat,
  mergeMemberships,
  type Actor,
  type Membership,
} from "@/lib/admin/rules";
import { hashPassword } from "@/lib/account/password-hash";
import { randomBytes } from "node:crypto";

export type { Outcome } from "@/lib/domain";
import type { Outcome } from "@/lib/domain";

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
  after: { isOperator: boolean; active: boolean; memberships: Membership[] },
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

/** A new person: `role` is their role in each of `labIds`, or "operator" (a platform operator, in no lab). */
export type CreatePersonInput = { name: string; email: string; role: UserRole; labIds: string[] };

/** Creates a user without a usable password and returns their one-time set-password token. */
export async function createPerson(
  db: Db,
  actor: Actor,
  input: CreatePersonInput,
): Promise<Outcome<{ userId: string; token: string }>> {
  const labIds = [...new Set(input.labIds)].sort();
  const { role } = input;
  if (role === "operator") {
    if (!canGrantOperator(actor)) return refuse("forbidden", "You cannot give the role operator.");
    if (labIds.length > 0) return refuse("invalid", "An operator belongs to no lab; leave the labs unticked.");
  } else {
    if (labIds.length === 0) return refuse("invalid", "Choose at least one lab.");
    if (labIds.some((id) => !administers(actor, id)))
      return refuse("forbidden", "You can only add people to labs you administer.");
    if (labIds.some((id) => !canGrantRole(actor, id, role)))
      return refuse("forbidden", `You cannot give the role ${role}.`);
  }
  if ((await labNames(db, labIds)).size !== labIds.length)
    return refuse("invalid", "One of the chosen labs does not exist.");
  if (await findUserByEmail(db, input.email))
    return refuse("conflict", "Someone with that email already has an account.");
  const memberships = role === "operator" ? [] : labIds.map((labId) => ({ labId, role }));
  const passwordHash = await unusablePasswordHash();
  const created = await db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: normalizeEmail(input.email), name: input.name, passwordHash, isOperator: role === "operator" })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!user) return undefined;
    if (memberships.length > 0)
      await tx.insert(labMemberships).values(memberships.map((m) => ({ userId: user.id, ...m })));
    const token = await issuePasswordToken(tx, user.id, actor.id);
    await recordChange(tx, {
      action: "user.create",
      actorId: actor.id,
      labIds,
      details: {
        targetUserId: user.id,
        before: null,
        after: {
          email: normalizeEmail(input.email),
          name: input.name,
          isOperator: role === "operator",
          memberships,
          active: true,
        },
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
  return canManageUser(actor, person) ? person : undefined;
}

/** Refuses an account-wide change the actor may not make (see accountWideRefusal). */
function accountWide(actor: Actor, person: PersonState): Outcome<never> | null {
  const refusal = accountWideRefusal(actor, person);
  return refusal ? refuse("forbidden", refusal) : null;
}

export type UpdatePersonInput = {
  userId: string;
  /** The person's role in each lab they should belong to (among the labs the actor administers). */
  memberships: Membership[];
  /** Platform operator or not (operators only); absent: unchanged. */
  isOperator?: boolean;
};

/**
 * Changes a user's memberships and their role in each, within the labs the actor
 * administers (memberships elsewhere stay as they are), and (operators only) whether they
 * are a platform operator. Nobody changes their own roles or labs.
 */
export async function updatePerson(db: Db, actor: Actor, input: UpdatePersonInput): Promise<Outcome> {
  if (input.userId === actor.id) return refuse("forbidden", "You cannot change your own roles or labs.");
  return db.transaction(async (tx) => {
    const before = await manageable(tx, actor, input.userId);
    if (!before) return notFound;
    const isOperatorAfter = input.isOperator ?? before.isOperator;
    if (isOperatorAfter !== before.isOperator && !canGrantOperator(actor))
      return refuse("forbidden", "You cannot give the role operator.");
    const requested = new Map<string, Membership>();
    for (const m of input.memberships) requested.set(m.labId, m);
    const merged = mergeMemberships(actor, before.memberships, [...requested.values()]);
    if (merged.refused.length > 0)
      return refuse("forbidden", "You can only change memberships and roles in labs you administer.");
    const changed = merged.memberships.filter(
      (m) => !before.memberships.some((b) => b.labId === m.labId && b.role === m.role),
    );
    if (changed.some((m) => !canGrantRole(actor, m.labId, m.role)))
      return refuse("forbidden", "You can only change memberships and roles in labs you administer.");
    if (!isOperatorAfter && merged.memberships.length === 0) return refuse("invalid", "Keep at least one lab.");
    const labIdsAfter = merged.memberships.map((m) => m.labId);
    if ((await labNames(tx, labIdsAfter)).size !== labIdsAfter.length)
      return refuse("invalid", "One of the chosen labs does not exist.");
    const after = { isOperator: isOperatorAfter, active: before.active, memberships: merged.memberships };
    const problem = await lockoutProblem(tx, before, after);
    if (problem) return refuse("conflict", problem);
    const same = (a: Membership[], b: Membership[]) =>
      a.map((m) => `${m.labId}:${m.role}`).join() === b.map((m) => `${m.labId}:${m.role}`).join();
    if (after.isOperator === before.isOperator && same(before.memberships, after.memberships)) return { ok: true };
    await writePerson(tx, before.id, { isOperator: after.isOperator, memberships: after.memberships });
    await recordChange(tx, {
      action: "user.update",
      actorId: actor.id,
      labIds: [...new Set([...before.labIds, ...labIdsAfter])],
      details: {
        targetUserId: before.id,
        before: { isOperator: before.isOperator, memberships: before.memberships },
        after: { isOperator: after.isOperator, memberships: after.memberships },
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
    const refused = accountWide(actor, before);
    if (refused) return refused;
    if (before.active === input.active) return { ok: true };
    const problem = await lockoutProblem(tx, before, {
      isOperator: before.isOperator,
      active: input.active,
      memberships: before.memberships,
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
    const refused = accountWide(actor, person);
    if (refused) return refused;
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

/** An admin removes a person's second factor (lost phone): audited, and their sessions end. */
export async function resetTwoFactor(db: Db, actor: Actor, userId: string): Promise<Outcome> {
  if (userId === actor.id)
    return { ok: false, reason: "invalid", message: "Ask another admin to reset your own second factor." };
  return db.transaction(async (tx) => {
    const person = await manageable(tx, actor, userId);
    if (!person)
      return {
        ok: false,
        reason: "not_found",
        message: "That user was not found among the people you manage.",
      } as const;
    const refusal = accountWideRefusal(actor, person);
    if (refusal) return { ok: false, reason: "forbidden", message: refusal } as const;
    await clearTwoFactor(tx, person.id);
    await recordChange(tx, {
      action: "user.two_factor_reset",
      actorId: actor.id,
      labIds: person.labIds,
      details: {
        targetUserId: person.id,
        before: { twoFactor: person.totpEnabledAt !== null },
        after: { twoFactor: false, sessionsEnded: true },
      },
    });
    return { ok: true } as const;
  });
}
