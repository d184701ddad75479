import "server-only";
import { and, asc, count, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { labMemberships, labs, users, type Lab, type LabRole, type User } from "@/db/schema";
import { seesEveryLab, type QueryScope } from "./scope";
import { userAccountColumns } from "./users";

export type PersonRow = Pick<User, "id" | "email" | "name" | "isOperator" | "active" | "lastSignInAt"> & {
  twoFactor: boolean;
  labs: (Pick<Lab, "id" | "name"> & { role: LabRole })[];
};

/**
 * The people an actor may see on the people page: everyone for an operator, else the
 * users with a membership in one of `scope.labIds` (the labs the actor administers),
 * listed with all their labs and their role in each.
 */
export async function listPeople(db: Db, scope: QueryScope): Promise<PersonRow[]> {
  const labIds = seesEveryLab(scope) ? "all" : scope.labIds;
  if (labIds !== "all" && labIds.length === 0) return [];
  const visible =
    labIds === "all"
      ? undefined
      : inArray(
          users.id,
          db.select({ id: labMemberships.userId }).from(labMemberships).where(inArray(labMemberships.labId, labIds)),
        );
  const rows = await db
    .select({
      ...userAccountColumns,
      lastSignInAt: users.lastSignInAt,
      totpEnabledAt: users.totpEnabledAt,
      labId: labs.id,
      labName: labs.name,
      labRole: labMemberships.role,
    })
    .from(users)
    .leftJoin(labMemberships, eq(labMemberships.userId, users.id))
    .leftJoin(labs, eq(labs.id, labMemberships.labId))
    .where(visible)
    .orderBy(asc(users.email), asc(labs.name));
  const byUser = new Map<string, PersonRow>();
  for (const { labId, labName, labRole, totpEnabledAt, ...user } of rows) {
    const entry = byUser.get(user.id) ?? { ...user, twoFactor: totpEnabledAt !== null, labs: [] };
    if (labId && labName && labRole) entry.labs.push({ id: labId, name: labName, role: labRole });
    byUser.set(user.id, entry);
  }
  return [...byUser.values()];
}

export type PersonState = Pick<User, "id" | "email" | "name" | "isOperator" | "active" | "totpEnabledAt"> & {
  labIds: string[];
  /** Their role in each lab, sorted by lab id. */
  memberships: { labId: string; role: LabRole }[];
};

/** A user with their memberships, whatever lab they are in (callers apply the rules). */
export async function getPersonState(db: Db | Tx, userId: string): Promise<PersonState | undefined> {
  const [user] = await db
    .select({
      ...userAccountColumns,
      totpEnabledAt: users.totpEnabledAt,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user) return undefined;
  const memberships = await db
    .select({ labId: labMemberships.labId, role: labMemberships.role })
    .from(labMemberships)
    .where(eq(labMemberships.userId, userId))
    .orderBy(asc(labMemberships.labId));
  return { ...user, labIds: memberships.map((m) => m.labId), memberships };
}

/** Other active admins of a lab (besides `exceptUserId`): members whose role in that lab is admin. */
export async function countOtherActiveAdmins(db: Db | Tx, labId: string, exceptUserId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .innerJoin(labMemberships, eq(labMemberships.userId, users.id))
    .where(
      and(
        eq(labMemberships.labId, labId),
        eq(labMemberships.role, "admin"),
        eq(users.active, true),
        ne(users.id, exceptUserId),
      ),
    );
  return row?.n ?? 0;
}

export async function countOtherActiveOperators(db: Db | Tx, exceptUserId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.isOperator, true), eq(users.active, true), ne(users.id, exceptUserId)));
  return row?.n ?? 0;
}

/** Sets the operator flag and the full membership list (with roles); `endSessions` bumps the session version. */
export async function writePerson(
  tx: Tx,
  userId: string,
  change: {
    isOperator?: boolean;
    active?: boolean;
    memberships?: { labId: string; role: LabRole }[];
    endSessions?: boolean;
  },
): Promise<void> {
  await tx
    .update(users)
    .set({
      ...(change.isOperator === undefined ? {} : { isOperator: change.isOperator }),
      ...(change.active === undefined ? {} : { active: change.active }),
      ...(change.endSessions ? { sessionVersion: sql`${users.sessionVersion} + 1` } : {}),
      updatedAt: new Date(),
    })
    .where(eq(users.id, userId));
  if (change.memberships) {
    await tx.delete(labMemberships).where(eq(labMemberships.userId, userId));
    if (change.memberships.length > 0) {
      await tx.insert(labMemberships).values(change.memberships.map(({ labId, role }) => ({ userId, labId, role })));
    }
  }
}

/** Serialises administrative changes per lab, so that two admins cannot both remove "the other" last admin. */
export async function lockLabs(tx: Tx, labIds: string[]): Promise<void> {
  if (labIds.length === 0) return;
  await tx.select({ id: labs.id }).from(labs).where(inArray(labs.id, labIds)).orderBy(asc(labs.id)).for("update");
}

/** Serialises changes to operators (one row lock on the lowest operator). */
export async function lockOperators(tx: Tx): Promise<void> {
  await tx.select({ id: users.id }).from(users).where(eq(users.isOperator, true)).orderBy(asc(users.id)).for("update");
}
