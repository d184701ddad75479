import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { findLabConflict, getLabById } from "@/db/queries/lab-admin";
import { labs, type Lab } from "@/db/schema";
import { recordChange } from "@/lib/audit-change";
import type { Outcome } from "@/lib/admin/people";
import { administers, isOperator, type Actor } from "@/lib/admin/rules";
import type { LabSettings } from "@/lib/validations/admin";

const notFound = {
  ok: false,
  reason: "not_found",
  message: "That lab was not found among the labs you administer.",
} as const;

function settingsOf(lab: Lab): LabSettings & {
  active: boolean;
  wrongPatientGuard: boolean;
  shareLinksPhysicians: boolean;
  shareLinksPatients: boolean;
} {
  return {
    name: lab.name,
    partnerLabId: lab.partnerLabId ?? "",
    turnaroundHours: lab.turnaroundHours,
    defaultUploadMode: lab.defaultUploadMode,
    requireTwoFactor: lab.requireTwoFactor,
    wrongPatientGuard: lab.wrongPatientGuard,
    shareLinksPhysicians: lab.shareLinksPhysicians,
    shareLinksPatients: lab.shareLinksPatients,
    active: lab.active,
  };
}

function conflictMessage(field: "name" | "partnerLabId"): string {
  return field === "name" ? "Another lab already has that name." : "Another lab already has that partner lab id.";
}

/** Creates a lab (operators only). */
export async function createLabAsActor(db: Db, actor: Actor, input: LabSettings): Promise<Outcome<{ labId: string }>> {
  if (!isOperator(actor)) return { ok: false, reason: "forbidden", message: "Only an operator can create labs." };
  return db.transaction(async (tx) => {
    const conflict = await findLabConflict(tx, input);
    if (conflict) return { ok: false, reason: "conflict", message: conflictMessage(conflict) } as const;
    const [lab] = await tx.insert(labs).values(input).onConflictDoNothing().returning();
    if (!lab)
      return {
        ok: false,
        reason: "conflict",
        message: "Another lab already has that name or partner lab id.",
      } as const;
    await recordChange(tx, {
      action: "lab.create",
      actorId: actor.id,
      labIds: [lab.id],
      details: { before: null, after: settingsOf(lab) },
    });
    return { ok: true, labId: lab.id } as const;
  });
}

/**
 * Edits a lab's settings (operators: any lab; admins: their own). Only an operator changes
 * the partner lab id (absent: unchanged); only an operator learns that another lab has it.
 */
export async function updateLabAsActor(
  db: Db,
  actor: Actor,
  input: Omit<LabSettings, "partnerLabId"> & { partnerLabId?: string; labId: string },
): Promise<Outcome<{ partnerLabIdChanged: boolean }>> {
  if (!administers(actor, input.labId)) return notFound;
  return db.transaction(async (tx) => {
    const before = await getLabById(tx, input.labId);
    if (!before) return notFound;
    const partnerLabId = input.partnerLabId ?? before.partnerLabId;
    if (partnerLabId !== before.partnerLabId && !isOperator(actor))
      return { ok: false, reason: "forbidden", message: "Only an operator can change the partner lab id." } as const;
    const conflict = await findLabConflict(tx, { name: input.name, partnerLabId }, input.labId);
    if (conflict) return { ok: false, reason: "conflict", message: conflictMessage(conflict) } as const;
    const { labId, ...rest } = input;
    const settings = { ...rest, partnerLabId };
    const [after] = await tx.update(labs).set(settings).where(eq(labs.id, labId)).returning();
    if (!after) return notFound;
    await recordChange(tx, {
      action: "lab.update",
      actorId: actor.id,
      labIds: [labId],
      details: { before: settingsOf(before), after: settingsOf(after) },
    });
    return { ok: true, partnerLabIdChanged: before.partnerLabId !== after.partnerLabId } as const;
  });
}

/** Deactivates (no new uploads; data stays readable) or reactivates a lab. */
export async function setLabActiveAsActor(
  db: Db,
  actor: Actor,
  input: { labId: string; active: boolean },
): Promise<Outcome> {
  if (!administers(actor, input.labId)) return notFound;
  return db.transaction(async (tx) => {
    const before = await getLabById(tx, input.labId);
    if (!before) return notFound;
    if (before.active === input.active) return { ok: true } as const;
    await tx.update(labs).set({ active: input.active }).where(eq(labs.id, input.labId));
    await recordChange(tx, {
      action: input.active ? "lab.activate" : "lab.deactivate",
      actorId: actor.id,
      labIds: [input.labId],
      details: { before: { active: before.active }, after: { active: input.active } },
    });
    return { ok: true } as const;
  });
}
