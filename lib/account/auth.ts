import "server-only";
import { getServerSession } from "next-auth";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { listLabsForUser } from "@/db/queries/labs";
import { getUserById, isSessionOpen } from "@/db/queries/users";
import type { Lab, LabRole, UserRole } from "@/db/schema";
import { ENROL_PATH } from "@/lib/account/gate";
import { mustEnrolTwoFactor } from "@/lib/account/two-factor";
import { SIGN_IN_PATH, authOptions } from "@/lib/account/auth-options";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { sameOriginPath } from "@/lib/request";
import { isPastAbsoluteLifetime } from "@/lib/account/session-policy";

/** Cookie naming the lab the user is working in (validated against memberships on every read). */
export const CURRENT_LAB_COOKIE = "portal-lab";

/** A lab the user belongs to, with their role in it. */
export type UserLab = Pick<Lab, "id" | "name" | "partnerLabId"> & { role: LabRole };

export type CurrentUser = {
  id: string;
  email: string;
  name: string;
  /**
   * What this session may do: "operator" for a platform operator (in any lab), else the
   * user's role in the current lab; null for a non-operator without any lab.
   */
  role: UserRole | null;
  /** A platform operator (account-wide; lab roles are per membership). */
  isOperator: boolean;
  /** The user's memberships: each lab with their role in it. */
  labs: UserLab[];
  /** The lab the user is working in; null only for a user without any lab. */
  currentLab: UserLab | null;
  /**
   * The lab ids whose patient data this session may see: the current lab only, so that a
   * role never reaches another lab's rows (a doctor here is not a doctor there).
   */
  labIds: string[];
  /** The server-side session of this request (sign-out revokes it). */
  sessionId: string;
};

/**
 * The session's user, re-read from the database on every request: a deactivated user,
 * a bumped session version, a session that was signed out (its server-side row revoked)
 * or a session past its absolute lifetime is signed out. Not yet through the two-factor
 * gate: only getCurrentUser and requireUser below read it.
 */
const loadSessionUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  const env = getEnv();
  if (isPastAbsoluteLifetime(session.authTime, env.SESSION_MAX_HOURS, Math.floor(Date.now() / 1000))) return null;
  const db = await getDb();
  if (!session.sessionId) return null;
  const [user, open] = await Promise.all([
    getUserById(db, session.user.id),
    isSessionOpen(db, session.user.id, session.sessionId),
  ]);
  if (!user || !open || !user.active || user.sessionVersion !== session.sessionVersion) return null;
  if (env.productionDeployment && user.isDemo) return null;
  const labs = (await listLabsForUser(db, user.id)).map(({ id, name, partnerLabId, role }) => ({
    id,
    name,
    partnerLabId,
    role,
  }));
  const wanted = (await cookies()).get(CURRENT_LAB_COOKIE)?.value;
  const currentLab = labs.find((l) => l.id === wanted) ?? labs[0] ?? null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: effectiveRole(user.isOperator, currentLab),
    isOperator: user.isOperator,
    labs,
    currentLab,
    labIds: currentLab ? [currentLab.id] : [],
    sessionId: session.sessionId,
  };
});

/** The role a session acts with: operator on the platform, else the role in the lab it works in. */
export function effectiveRole(isOperator: boolean, currentLab: { role: LabRole } | null): UserRole | null {
  if (isOperator) return "operator";
  return currentLab?.role ?? null;
}

/** Must this user still enrol a second factor before anything else? Once per request. */
const pendingTwoFactor = cache(async (userId: string): Promise<boolean> => mustEnrolTwoFactor(await getDb(), userId));

type GateOptions = {
  /**
   * Only the account pages (app/(account)) and their actions: they let a user who must
   * still enrol a second factor do so (or change their password). Everything else refuses
   * such a password-only session.
   */
  allowPendingTwoFactor?: boolean;
};

type OnFail = GateOptions & { onFail?: "redirect" | "error" };

/**
 * The signed-in user, or null. The one gate: a user who must use two-factor sign-in
 * but has not enrolled yet counts as nobody here (unless `allowPendingTwoFactor`).
 */
export async function getCurrentUser({ allowPendingTwoFactor = false }: GateOptions = {}): Promise<CurrentUser | null> {
  const user = await loadSessionUser();
  if (!user) return null;
  if (!allowPendingTwoFactor && (await pendingTwoFactor(user.id))) return null;
  return user;
}

async function signInUrl(): Promise<string> {
  // The proxy passes the requested path on, so that sign-in can return to it.
  const from = (await headers()).get("x-portal-path");
  return `${SIGN_IN_PATH}?callbackUrl=${encodeURIComponent(sameOriginPath(from, getEnv().NEXTAUTH_URL))}`;
}

/**
 * The signed-in user, or: a redirect to sign-in (pages, actions), or an AppError
 * "unauthenticated" (route handlers, `{ onFail: "error" }`). Every page, server action
 * and route handler passes here, and so through the two-factor gate: a user who must
 * enrol but has not is sent to the enrolment page (pages, actions; the action does not
 * run) or refused with 403 "two_factor_required" (route handlers).
 */
export async function requireUser({
  onFail = "redirect",
  allowPendingTwoFactor = false,
}: OnFail = {}): Promise<CurrentUser> {
  const user = await loadSessionUser();
  if (!user) {
    if (onFail === "error") throw new AppError("unauthenticated");
    redirect(await signInUrl());
  }
  if (!allowPendingTwoFactor && (await pendingTwoFactor(user.id))) {
    if (onFail === "error") throw new AppError("two_factor_required");
    redirect(ENROL_PATH);
  }
  return user;
}

/** As requireUser, and the user's role in the current lab (or operator) must be one of `roles` (403 otherwise). */
export async function requireRole(roles: UserRole | UserRole[], options: OnFail = {}): Promise<CurrentUser> {
  const user = await requireUser(options);
  const allowed: (UserRole | null)[] = Array.isArray(roles) ? roles : [roles];
  if (allowed.includes(user.role)) return user;
  if (options.onFail === "error") throw new AppError("forbidden");
  forbidden();
}
