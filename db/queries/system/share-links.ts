import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { documents, interpretationReports, labs, shareLinks } from "@/db/schema";

/*
 * SYSTEM ONLY: what the visitor of a share link does, found by the link's token hash (the
 * token is the authority; there is no user). Only lib/share/links.ts may call these, after
 * checking the token's form.
 */

/** A link by its token's hash, with its lab's current settings; undefined when no link has that token. */
export async function findShareLinkByTokenHash(db: Db | Tx, tokenHash: string) {
  const [row] = await db
    .select({
      link: shareLinks,
      physiciansAllowed: labs.shareLinksPhysicians,
      patientsAllowed: labs.shareLinksPatients,
      labActive: labs.active,
      patientId: interpretationReports.patientId,
      labResultId: interpretationReports.labResultId,
      documentId: interpretationReports.documentId,
    })
    .from(shareLinks)
    .innerJoin(labs, eq(labs.id, shareLinks.labId))
    .innerJoin(interpretationReports, eq(interpretationReports.id, shareLinks.reportId))
    .where(eq(shareLinks.tokenHash, tokenHash))
    .limit(1);
  return row;
}

/**
 * Counts one wrong PIN in one atomic update; the count that reaches `max` locks the link.
 * Returns the count after this one and whether the link is now locked.
 */
export async function recordWrongPin(
  db: Db | Tx,
  linkId: string,
  max: number,
): Promise<{ failedPins: number; locked: boolean }> {
  const [row] = await db
    .update(shareLinks)
    .set({
      failedPins: sql`${shareLinks.failedPins} + 1`,
      lockedAt: sql`case when ${shareLinks.failedPins} + 1 >= ${max} then coalesce(${shareLinks.lockedAt}, now()) else ${shareLinks.lockedAt} end`,
    })
    .where(eq(shareLinks.id, linkId))
    .returning({ failedPins: shareLinks.failedPins, lockedAt: shareLinks.lockedAt });
  return { failedPins: row?.failedPins ?? max, locked: row?.lockedAt != null };
}

/** Spends a single-use link: only if it is still unspent, unlocked, unrevoked and unexpired (of two at once, one wins). */
export async function spendSingleUse(db: Db | Tx, linkId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(shareLinks)
    .set({ usedAt: now })
    .where(
      and(
        eq(shareLinks.id, linkId),
        isNull(shareLinks.usedAt),
        isNull(shareLinks.revokedAt),
        isNull(shareLinks.lockedAt),
        gt(shareLinks.expiresAt, now),
      ),
    )
    .returning({ id: shareLinks.id });
  return rows.length > 0;
}

export async function getSharedDocument(db: Db | Tx, documentId: string) {
  const [row] = await db
    .select({ bytes: documents.bytes, fileName: documents.fileName })
    .from(documents)
    .where(eq(documents.id, documentId));
  return row;
}
