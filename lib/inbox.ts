import { z } from "zod";
import { labResultFlags } from "@/lib/domain";

/*
 * The inbox's filters as they appear in the page's address (validated at the boundary),
 * and the age colouring of a waiting report.
 */

export const inboxAssigneeValues = ["for_me", "mine", "unassigned", "all"] as const;
export const inboxAgeValues = ["any", "amber", "red"] as const;

const optionalParam = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v[0] : v === "" ? undefined : v), schema.optional());

export const inboxSearchSchema = z.object({
  flag: optionalParam(z.enum([...labResultFlags, "none"])).catch(undefined),
  who: optionalParam(z.enum(inboxAssigneeValues)).catch(undefined),
  age: optionalParam(z.enum(inboxAgeValues)).catch(undefined),
  patient: optionalParam(z.string().trim().max(100)).catch(undefined),
});
export type InboxSearch = z.infer<typeof inboxSearchSchema>;

export type AgeTone = "normal" | "amber" | "red";

/** Whole days a report has waited since its delivery. */
export function waitingDays(receivedAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - receivedAt.getTime()) / 86_400_000));
}

/** Amber from `amberDays`, red from `redDays` (the lab's settings). */
export function ageTone(days: number, amberDays: number, redDays: number): AgeTone {
  if (days >= redDays) return "red";
  if (days >= amberDays) return "amber";
  return "normal";
}

/** "3 min", "2 h 5 min", "1 d 4 h": a duration in a reader's words. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
