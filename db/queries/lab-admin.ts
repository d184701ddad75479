import "server-only";
import { asc, count, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { labMemberships, labs, type Lab } from "@/db/schema";
import { seesEveryLab, type QueryScope } from "./scope";

export type LabWithCount = Lab & { members: number };

/** Every lab (operators) or the actor's own (admins), with how many members each has. */
export async function listLabsForAdmin(db: Db, scope: QueryScope): Promise<LabWithCount[]> {
  const labIds = seesEveryLab(scope) ? "all" : scope.labIds;
  if (labIds !== "all" && labIds.length === 0) return [];
  const rows = await db
    .select({ lab: labs, members: count(labMemberships.userId) })
    .from(labs)
    .leftJoin(labMemberships, eq(labMemberships.labId, labs.id))
    .where(labIds === "all" ? undefined : inArray(labs.id, labIds))
    .groupBy(labs.id)
    .orderBy(asc(labs.name));
  return rows.map((r) => ({ ...r.lab, members: r.members }));
}

export async function getLabById(db: Db | Tx, labId: string): Promise<Lab | undefined> {
  const [lab] = await db.select().from(labs).where(eq(labs.id, labId)).limit(1);
  return lab;
}

export async function findLabConflict(
  db: Db | Tx,
  input: { name: string; partnerLabId: string | null },
  exceptId?: string,
): Promise<"name" | "partnerLabId" | null> {
  const rows = await db.select({ id: labs.id, name: labs.name, partnerLabId: labs.partnerLabId }).from(labs);
  for (const row of rows) {
    if (row.id === exceptId) continue;
    if (row.name === input.name) return "name";
    if (input.partnerLabId !== null && row.partnerLabId === input.partnerLabId) return "partnerLabId";
  }
  return null;
}

/** Is this lab taking uploads? (A deactivated lab's data stays readable.) */
export async function isLabActive(db: Db | Tx, labId: string): Promise<boolean> {
  const [row] = await db.select({ active: labs.active }).from(labs).where(eq(labs.id, labId)).limit(1);
  return row?.active ?? false;
}
