import "server-only";
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import {
  labMemberships,
  labs,
  userSessions,
  users,
  type Lab,
  type LabRole,
  type User,
  type UserRole,
} from "@/db/schema";
import type { QueryScope } from "./scope";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return user;
}

export async function getUserById(db: Db, id: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

/**
 * Creates a user and their lab memberships in one transaction. `role` is their role in
 * each of `labIds` ("operator": a platform operator, who belongs to no lab); `memberships`
 * gives other labs with a role each.
 */
export async function createUser(
  db: Db,
  input: {
    email: string;
    name: string;
    passwordHash: string;
    role: UserRole;
    labIds: string[];
    memberships?: { labId: string; role: LabRole }[];
    isDemo?: boolean;
  },
): Promise<User> {
  const memberships = [
    ...input.labIds.map((labId) => ({ labId, role: input.role })),
    ...(input.memberships ?? []),
  ].filter((m): m is { labId: string; role: LabRole } => m.role !== "operator");
  if (input.role === "operator" && input.labIds.length > 0) throw new Error("An operator belongs to no lab");
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({
        email: normalizeEmail(input.email),
        name: input.name,
        passwordHash: input.passwordHash,
        isOperator: input.role === "operator",
        isDemo: input.isDemo ?? false,
      })
      .returning();
    if (!user) throw new Error("User insert returned no row");
    if (memberships.length > 0) {
      await tx.insert(labMemberships).values(memberships.map(({ labId, role }) => ({ userId: user.id, labId, role })));
    }
    return user;
  });
}

/** Records a successful sign-in and opens its server-side session; returns the session id. */
export async function recordSignIn(db: Db, userId: string): Promise<string> {
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, userId));
  const [session] = await db.insert(userSessions).values({ userId }).returning({ id: userSessions.id });
  if (!session) throw new Error("Session insert returned no row");
  return session.id;
}

/** Is this session of this user still open (not signed out, not ended everywhere)? */
export async function isSessionOpen(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: userSessions.id })
    .from(userSessions)
    .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
    .limit(1);
  return row !== undefined;
}

/** Ends one session (sign-out); a copy of its cookie is refused from now on. */
export async function revokeSession(db: Db, userId: string, sessionId: string): Promise<void> {
  await db
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt)));
}

/** Ends every open session of the user ("sign out everywhere"); returns how many. */
export async function revokeAllSessions(db: Db, userId: string): Promise<number> {
  const ended = await db
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  return ended.length;
}

/**
 * Deactivates a user and ends every session they have (the session version in their
 * token no longer matches). Scoped: only a user who shares a lab with the acting user (an admin).
 * Returns those shared labs (the audit event belongs to each), or null when not allowed.
 */
export async function setUserActiveForAdmin(
  db: Db,
  scope: QueryScope,
  userId: string,
  active: boolean,
): Promise<string[] | null> {
  if (scope.labIds.length === 0 || userId === scope.userId) return null;
  const sharedLabs = (
    await db
      .select({ labId: labMemberships.labId })
      .from(labMemberships)
      .where(and(eq(labMemberships.userId, userId), inArray(labMemberships.labId, scope.labIds)))
  ).map((r) => r.labId);
  if (sharedLabs.length === 0) return null;
  const updated = await db
    .update(users)
    .set({ active, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  return updated.length > 0 ? sharedLabs : null;
}

/** What an admin sees of a user account in lists: id, e-mail, name, operator or not and whether it is active. */
export const userAccountColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  isOperator: users.isOperator,
  active: users.active,
};

export type LabUserRow = Pick<User, "id" | "email" | "name" | "isOperator" | "active" | "lastSignInAt"> & {
  labs: (Pick<Lab, "id" | "name"> & { role: LabRole })[];
};

/**
 * Users who belong to at least one of the given labs, with all their memberships and their
 * role in each (an account-wide change needs to know every lab of the person).
 */
export async function listUsersForLabs(db: Db, scope: QueryScope): Promise<LabUserRow[]> {
  const { labIds } = scope;
  if (labIds.length === 0) return [];
  const rows = await db
    .select({
      ...userAccountColumns,
      lastSignInAt: users.lastSignInAt,
      labId: labs.id,
      labName: labs.name,
      labRole: labMemberships.role,
    })
    .from(users)
    .innerJoin(labMemberships, eq(labMemberships.userId, users.id))
    .innerJoin(labs, eq(labs.id, labMemberships.labId))
    .where(
      inArray(
        users.id,
        db.select({ id: labMemberships.userId }).from(labMemberships).where(inArray(labMemberships.labId, labIds)),
      ),
    )
    .orderBy(asc(users.email), asc(labs.name));
  const byUser = new Map<string, LabUserRow>();
  for (const { labId, labName, labRole, ...user } of rows) {
    const entry = byUser.get(user.id) ?? { ...user, labs: [] };
    entry.labs.push({ id: labId, name: labName, role: labRole });
    byUser.set(user.id, entry);
  }
  return [...byUser.values()];
}
