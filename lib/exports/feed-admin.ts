import "server-only";
import type { Db } from "@/db";
import { requeueFeedMessage, updateLabHl7Settings } from "@/db/queries/hl7-feed";
import { recordChange } from "@/lib/audit-change";
import { administers, type Actor } from "@/lib/admin/rules";
import type { Hl7SettingsInput } from "@/lib/validations/exports";
import { resendFeedMessage } from "./mllp-feed";

/** Administration of a lab's HL7 exports: its settings and its feed's messages (audited). */

export type FeedAdminOutcome = { ok: true } | { ok: false; message: string };

const notFound: FeedAdminOutcome = { ok: false, message: "That lab was not found." };

/** Saves a lab's HL7 settings (operators: any lab; admins: their own). */
export async function updateHl7SettingsAsActor(
  db: Db,
  actor: Actor,
  input: Hl7SettingsInput,
): Promise<FeedAdminOutcome> {
  if (!administers(actor, input.labId)) return notFound;
  const { labId, ...settings } = input;
  return db.transaction(async (tx) => {
    const changed = await updateLabHl7Settings(tx, labId, settings);
    if (!changed) return notFound;
    await recordChange(tx, { action: "lab.hl7_update", actorId: actor.id, labIds: [labId], details: changed });
    return { ok: true } as const;
  });
}

/** Sends a rejected or failed feed message again, at once. */
export async function resendFeedMessageAsActor(
  db: Db,
  actor: Actor,
  input: { labId: string; messageId: string },
): Promise<FeedAdminOutcome> {
  if (!administers(actor, input.labId)) return notFound;
  return db.transaction(async (tx) => {
    if (!(await requeueFeedMessage(tx, input.labId, input.messageId))) {
      return { ok: false, message: "Only a rejected or failed message can be sent again." } as const;
    }
    await resendFeedMessage(tx, input.messageId);
    await recordChange(tx, {
      action: "hl7_feed.resend",
      actorId: actor.id,
      labIds: [input.labId],
      details: { messageId: input.messageId },
    });
    return { ok: true } as const;
  });
}
