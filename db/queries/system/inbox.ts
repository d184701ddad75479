import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { labMemberships, labResults, reportInboxEntries, users } from "@/db/schema";

/*
 * The inbox entry of a newly matched report version (system: called by the delivery and
 * by attaching a held report, inside their transaction; the caller has already decided
 * the report belongs to the lab and the lab result).
 */

/**
 * Opens the inbox entry of a report version: the lab result's earlier versions stop
 * awaiting sign-off (the amendment replaces them), and the owner is carried over from the
 * previous version, or for a first version is the doctor of the lab whose e-mail is the
 * physician's e-mail given at upload (otherwise unassigned).
 */
export async function openInboxEntry(
  tx: Tx,
  report: { reportId: string; labId: string; labResultId: string; version: number; receivedAt?: Date },
): Promise<void> {
  // One read: the lab result's flag and the lab result's latest inbox entry, if any.
  const latest = tx
    .select({
      reportId: reportInboxEntries.reportId,
      ownerId: reportInboxEntries.ownerId,
      assignedAt: reportInboxEntries.assignedAt,
    })
    .from(reportInboxEntries)
    .where(eq(reportInboxEntries.labResultId, labResults.id))
    .orderBy(desc(reportInboxEntries.version))
    .limit(1)
    .as("latest");
  const [result] = await tx
    .select({
      flag: labResults.flag,
      previousReportId: latest.reportId,
      previousOwnerId: latest.ownerId,
      previousAssignedAt: latest.assignedAt,
    })
    .from(labResults)
    .leftJoinLateral(latest, sql`true`)
    .where(eq(labResults.id, report.labResultId));
  let ownerId: string | null = null;
  let assignedAt: Date | null = null;
  if (result?.previousReportId) {
    ownerId = result.previousOwnerId;
    assignedAt = result.previousAssignedAt;
    await tx
      .update(reportInboxEntries)
      .set({ awaitingSignOff: false })
      .where(and(eq(reportInboxEntries.labResultId, report.labResultId), eq(reportInboxEntries.awaitingSignOff, true)));
  } else {
    const [physician] = await tx
      .select({ id: users.id })
      .from(labResults)
      .innerJoin(users, sql`lower(${users.email}) = lower(${labResults.physicianEmail})`)
      .innerJoin(
        labMemberships,
        and(
          eq(labMemberships.userId, users.id),
          eq(labMemberships.labId, report.labId),
          eq(labMemberships.role, "doctor"),
        ),
      )
      .where(and(eq(labResults.id, report.labResultId), eq(users.active, true)))
      .limit(1);
    if (physician) {
      ownerId = physician.id;
      assignedAt = new Date();
    }
  }
  await tx
    .insert(reportInboxEntries)
    .values({
      reportId: report.reportId,
      labId: report.labId,
      labResultId: report.labResultId,
      version: report.version,
      flag: result?.flag ?? null,
      receivedAt: report.receivedAt ?? new Date(),
      ownerId,
      assignedAt,
    })
    .onConflictDoNothing();
}
