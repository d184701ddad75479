import "server-only";
import { and, asc, eq, inArray, or } from "drizzle-orm";
import type { Db } from "@/db";
import { labMemberships, labs, type Lab } from "@/db/schema";

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

export async function listLabsForUser(db: Db, userId: string): Promise<Lab[]> {
  return db
    .select({ lab: labs })
    .from(labMemberships)
    .innerJoin(labs, eq(labs.id, labMemberships.labId))
    .where(eq(labMemberships.userId, userId))
    .orderBy(asc(labs.name))
    .then((rows) => rows.map((r) => r.lab));
}

/** The labs of `labIds`, limited to those the user belongs to (others are "not found"). */
export async function getLabsForUser(db: Db, userId: string, labIds: string[]): Promise<Lab[]> {
  if (labIds.length === 0) return [];
  return db
    .select({ lab: labs })
    .from(labMemberships)
    .innerJoin(labs, eq(labs.id, labMemberships.labId))
    .where(and(eq(labMemberships.userId, userId), inArray(labMemberships.labId, labIds)))
    .then((rows) => rows.map((r) => r.lab));
}
