import "server-only";
import { and, desc, eq, inArray, like } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { auditEvents, interpretationReports, labs, shareLinks, users, type ShareLink } from "@/db/schema";
import type { QueryScope } from "./scope";

/*
 * Share links as the portal's doctors and admins see them: made, listed and revoked for a
 * report of the user's lab only. What a link's visitor does goes through
 * system/share-links.ts, by the link's token.
 */

/** The report (of the user's labs) a link is made for, with its lab's share-link settings. */
export async function getReportForSharing(db: Db | Tx, scope: QueryScope, reportId: string) {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select({
      id: interpretationReports.id,
      labId: labs.id,
      patientId: interpretationReports.patientId,
      labResultId: interpretationReports.labResultId,
      physicians: labs.shareLinksPhysicians,
      patients: labs.shareLinksPatients,
    })
    .from(interpretationReports)
    .innerJoin(labs, eq(labs.id, interpretationReports.labId))
    .where(and(eq(interpretationReports.id, reportId), inArray(interpretationReports.labId, labIds)));
  return row;
}

export async function insertShareLink(
  tx: Db | Tx,
  link: Pick<
    ShareLink,
    | "labId"
    | "reportId"
    | "tokenHash"
    | "pinHash"
    | "audience"
    | "recipient"
    | "singleUse"
    | "expiresAt"
    | "createdById"
  >,
): Promise<ShareLink> {
  const [row] = await tx.insert(shareLinks).values(link).returning();
  return row!;
}

export type ShareLinkAccess = { at: Date; action: string; outcome: string; ip: string | null };

export type ShareLinkRow = Omit<ShareLink, "tokenHash" | "pinHash"> & {
  createdByName: string | null;
  accesses: ShareLinkAccess[];
};

/** A report's links (newest first), each with every access to it, within the user's labs. */
export async function listShareLinksForReport(db: Db, scope: QueryScope, reportId: string): Promise<ShareLinkRow[]> {
  const { labIds } = scope;
  if (labIds.length === 0) return [];
  const links = await db
    .select({ link: shareLinks, createdByName: users.name })
    .from(shareLinks)
    .leftJoin(users, eq(users.id, shareLinks.createdById))
    .where(and(eq(shareLinks.reportId, reportId), inArray(shareLinks.labId, labIds)))
    .orderBy(desc(shareLinks.createdAt));
  if (links.length === 0) return [];
  const events = await db
    .select({
      at: auditEvents.at,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      ip: auditEvents.ip,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.reportId, reportId),
        inArray(auditEvents.labId, labIds),
        like(auditEvents.action, "share_link.%"),
      ),
    )
    .orderBy(desc(auditEvents.at))
    .limit(1000);
  return links.map(({ link, createdByName }) => {
    const { tokenHash: _t, pinHash: _p, ...rest } = link;
    return {
      ...rest,
      createdByName,
      accesses: events
        .filter((e) => e.details?.shareLinkId === link.id)
        .map(({ at, action, outcome, ip }) => ({ at, action, outcome, ip })),
    };
  });
}

/** Revokes a link of the user's labs (once). Returns the link, or undefined when it is not one of theirs or already revoked. */
export async function revokeShareLink(
  db: Db | Tx,
  scope: QueryScope,
  linkId: string,
): Promise<Pick<ShareLink, "id" | "labId" | "reportId"> | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .update(shareLinks)
    .set({ revokedAt: new Date(), revokedById: scope.userId })
    .where(and(eq(shareLinks.id, linkId), inArray(shareLinks.labId, labIds)))
    .returning({ id: shareLinks.id, labId: shareLinks.labId, reportId: shareLinks.reportId });
  return row;
}
