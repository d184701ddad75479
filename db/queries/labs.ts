import "server-only";
import { and, asc, eq, inArray, or } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { labMemberships, labs, type Lab, type LabRole } from "@/db/schema";
import type { QueryScope } from "./scope";

export async function createLab(db: Db, input: { name: string; partnerLabId?: string | null }): Promise<Lab> {
  const [lab] = await db
    .insert(labs)
    .values({ name: input.name, partnerLabId: input.partnerLabId ?? null })
    .returning();
  if (!lab) throw new Error("Lab insert returned no row");
  return lab;
}

/** A lab named by its name or its partner lab id (as the CLIs accept). */
export async function findLabByNameOrPartnerId(db: Db, key: string): Promise<Lab | undefined> {
  const [lab] = await db
    .select()
    .from(labs)
    .where(or(eq(labs.name, key), eq(labs.partnerLabId, key)))
    .limit(1);
  return lab;
}

export async function listLabsForUser(db: Db, userId: string): Promise<(Lab & { role: LabRole })[]> {
  return db
    .select({ lab: labs, role: labMemberships.role })
    .from(labMemberships)
    .innerJoin(labs, eq(labs.id, labMemberships.labId))
    .where(eq(labMemberships.userId, userId))
    .orderBy(asc(labs.name))
    .then((rows) => rows.map((r) => ({ ...r.lab, role: r.role })));
}

/** Every lab (the platform operator routes reports to them; it names no patient data). */
export async function listAllLabs(db: Db): Promise<Pick<Lab, "id" | "name" | "partnerLabId">[]> {
  return db
    .select({ id: labs.id, name: labs.name, partnerLabId: labs.partnerLabId })
    .from(labs)
    .orderBy(asc(labs.name));
}

/** The ids of the labs a user belongs to (for audit events that concern all of them). */
export async function listLabIdsForUser(db: Db | Tx, userId: string): Promise<string[]> {
  const rows = await db
    .select({ labId: labMemberships.labId })
    .from(labMemberships)
    .where(eq(labMemberships.userId, userId));
  return rows.map((r) => r.labId);
}

/** The labs of `labIds`, limited to those the user belongs to (others are "not found"). */
export async function getLabsForUser(db: Db, scope: QueryScope, labIds: string[]): Promise<Lab[]> {
  const { userId } = scope;
  if (labIds.length === 0) return [];
  return db
    .select({ lab: labs })
    .from(labMemberships)
    .innerJoin(labs, eq(labs.id, labMemberships.labId))
    .where(and(eq(labMemberships.userId, userId), inArray(labMemberships.labId, labIds)))
    .then((rows) => rows.map((r) => r.lab));
}

/** A lab the user belongs to, or undefined. */
export async function getLabForUser(db: Db, scope: QueryScope, labId: string): Promise<Lab | undefined> {
  const [lab] = await getLabsForUser(db, scope, [labId]);
  return lab;
}

/** Sets a lab's turnaround watchdog (hours), only for a lab the admin belongs to. */
export async function setLabTurnaroundHours(db: Db, scope: QueryScope, labId: string, hours: number): Promise<boolean> {
  if (!(await getLabForUser(db, scope, labId))) return false;
  const rows = await db
    .update(labs)
    .set({ turnaroundHours: hours })
    .where(eq(labs.id, labId))
    .returning({ id: labs.id });
  return rows.length > 0;
}
