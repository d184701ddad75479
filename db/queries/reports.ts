import "server-only";
import { and, count, eq, gt, inArray, isNull, notExists, sql } from "drizzle-orm";
import { descNullsLast } from "./order";
import type { Db, Tx } from "@/db";
import type { IncomingReport } from "@/lib/domain";
import {
  deliveries,
  documents,
  interpretationReports,
  labResults,
  labs,
  patients,
  reportReadMarks,
  type NewDelivery,
} from "@/db/schema";

export type { IncomingReport };

export type StoredReport = { reportId: string; duplicate: boolean; matched: boolean; labId: string | null };

/**
 * The lab a delivery belongs to: the one with its partner lab id, or, when it names none,
 * the only lab of a single-lab deployment. Null: unknown (the report waits for triage).
 */
async function resolveLab(tx: Tx, partnerLabId: string | null): Promise<string | null> {
  if (partnerLabId) {
    const [lab] = await tx.select({ id: labs.id }).from(labs).where(eq(labs.partnerLabId, partnerLabId)).limit(1);
    return lab?.id ?? null;
  }
  const only = await tx.select({ id: labs.id }).from(labs).limit(2);
  return only.length === 1 ? (only[0]?.id ?? null) : null;
}

/**
 * Stores one delivered report in ONE transaction: idempotency check (serialised per key
 * by an advisory lock, so parallel copies store one report), document, report (matched
 * to its lab result or parked as unmatched, versioned), the lab result's new status, and
 * the delivery record. Nothing is acknowledged before this commits.
 */
export async function storeDeliveredReport(
  db: Db,
  report: IncomingReport,
  delivery: {
    webhookId: string | null;
    remoteIp: string;
    bodyBytes: number;
    idempotencyKey: (labKey: string) => string;
  },
): Promise<StoredReport> {
  return db.transaction(async (tx) => {
    const labId = await resolveLab(tx, report.partnerLabId);
    const key = delivery.idempotencyKey(labId ?? `partner:${report.partnerLabId ?? ""}`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    const log: NewDelivery = {
      httpStatus: 200,
      outcome: "accepted",
      idempotencyKey: key,
      webhookId: delivery.webhookId,
      labId,
      partnerLabId: report.partnerLabId,
      referenceId: report.referenceId,
      remoteIp: delivery.remoteIp,
      bodyBytes: delivery.bodyBytes,
    };

    const [existing] = await tx
      .select({
        id: interpretationReports.id,
        labId: interpretationReports.labId,
        matchState: interpretationReports.matchState,
      })
      .from(interpretationReports)
      .where(eq(interpretationReports.idempotencyKey, key))
      .limit(1);
    if (existing) {
      await tx
        .insert(deliveries)
        .values({ ...log, outcome: "duplicate", reason: "already stored", reportId: existing.id });
      return {
        reportId: existing.id,
        duplicate: true,
        matched: existing.matchState === "matched",
        labId: existing.labId,
      };
    }

    // The lab result with this accession and patient id. Several files of one batch share
    // both (the wire carries nothing else to tell them apart), so the report goes to the
    // one that has waited longest for a report (accepted, in the order Docus accepted
    // them); when none is waiting, to the newest, as a new version of its report.
    const findTarget = (skipLocked: boolean) =>
      tx
        .select({ id: labResults.id, patientRef: labResults.patientId })
        .from(labResults)
        .innerJoin(patients, eq(patients.id, labResults.patientId))
        .where(
          and(
            eq(labResults.labId, labId!),
            report.referenceId ? eq(labResults.accessionNumber, report.referenceId) : sql`false`,
            eq(patients.patientId, report.patientId),
          ),
        )
        .orderBy(
          sql`case when ${labResults.status} = 'accepted' then 0 else 1 end`,
          sql`case when ${labResults.status} = 'accepted' then ${labResults.acceptedAt} end asc nulls last`,
          descNullsLast(labResults.createdAt),
        )
        .limit(1)
        // Reports of one batch arrive together: each takes a lab result that no other
        // delivery is taking right now (a locked one is skipped), so that two reports do
        // not both go to the same one.
        .for("update", skipLocked ? { of: labResults, skipLocked: true } : { of: labResults });
    let [target] = labId ? await findTarget(true) : [];
    // Every candidate locked (a new version racing another delivery): wait for it.
    if (!target && labId) [target] = await findTarget(false);
    // An unmatched report still names its patient when the lab knows the patient id.
    const [knownPatient] =
      !target && labId
        ? await tx
            .select({ id: patients.id })
            .from(patients)
            .where(and(eq(patients.labId, labId), eq(patients.patientId, report.patientId)))
            .limit(1)
        : [];

    let version = 1;
    let supersedesId: string | null = null;
    if (target) {
      const previous = await latestReportVersion(tx, target.id);
      if (previous) {
        version = previous.version + 1;
        supersedesId = previous.id;
      }
    }

    const [doc] = await tx
      .insert(documents)
      .values({
        labId,
        bytes: report.pdf,
        sha256: report.sha256,
        sizeBytes: report.pdf.byteLength,
        mimeType: "application/pdf",
        fileName: report.fileName,
      })
      .returning({ id: documents.id });
    const [stored] = await tx
      .insert(interpretationReports)
      .values({
        labId,
        patientId: target?.patientRef ?? knownPatient?.id ?? null,
        labResultId: target?.id ?? null,
        matchState: target ? "matched" : "unmatched",
        referenceId: report.referenceId,
        deliveredPatientId: report.patientId,
        partnerLabId: report.partnerLabId,
        documentId: doc!.id,
        version,
        supersedesId,
        idempotencyKey: key,
        metadata: Object.keys(report.metadata).length > 0 ? report.metadata : null,
      })
      .returning({ id: interpretationReports.id });
    if (target) {
      await tx
        .update(labResults)
        .set({ status: "report_ready", updatedAt: new Date() })
        .where(eq(labResults.id, target.id));
      await tx.update(patients).set({ lastActivityAt: new Date() }).where(eq(patients.id, target.patientRef));
    }
    await tx.insert(deliveries).values({ ...log, reason: target ? null : "stored as unmatched", reportId: stored!.id });
    return { reportId: stored!.id, duplicate: false, matched: Boolean(target), labId };
  });
}

/** A lab result's newest report version (a new report supersedes it), if it has one. */
async function latestReportVersion(tx: Tx, labResultId: string): Promise<{ id: string; version: number } | undefined> {
  const [previous] = await tx
    .select({ id: interpretationReports.id, version: interpretationReports.version })
    .from(interpretationReports)
    .where(eq(interpretationReports.labResultId, labResultId))
    .orderBy(descNullsLast(interpretationReports.version))
    .limit(1);
  return previous;
}

/** Records a refused or failed delivery attempt (never the body or a secret). */
export async function recordRefusedDelivery(
  db: Db,
  entry: {
    httpStatus: number;
    reason: string;
    webhookId: string | null;
    remoteIp: string;
    bodyBytes: number | null;
    outcome?: "refused" | "failed";
  },
): Promise<void> {
  await db.insert(deliveries).values({
    outcome: entry.outcome ?? "refused",
    httpStatus: entry.httpStatus,
    reason: entry.reason.slice(0, 500),
    webhookId: entry.webhookId?.slice(0, 200) ?? null,
    remoteIp: entry.remoteIp,
    bodyBytes: entry.bodyBytes,
  });
}

export type ReportSummary = {
  id: string;
  labResultId: string | null;
  version: number;
  superseded: boolean;
  receivedAt: Date;
  fileName: string;
  sizeBytes: number;
};

/** The reports of one lab result (newest version first), limited to the user's labs. */
export async function listReportsForLabResult(db: Db, labIds: string[], labResultId: string): Promise<ReportSummary[]> {
  return (await listReportsForLabResults(db, labIds, [labResultId])).get(labResultId) ?? [];
}

/** A report's PDF and what the audit needs, or undefined when it is not in the user's labs. */
export async function getReportDocumentForUser(db: Db, labIds: string[], reportId: string) {
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select({
      reportId: interpretationReports.id,
      labId: interpretationReports.labId,
      patientId: interpretationReports.patientId,
      labResultId: interpretationReports.labResultId,
      documentId: documents.id,
      bytes: documents.bytes,
      fileName: documents.fileName,
    })
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(and(eq(interpretationReports.id, reportId), inArray(interpretationReports.labId, labIds)));
  return row;
}

export async function markReportRead(db: Db, userId: string, reportId: string): Promise<void> {
  await db.insert(reportReadMarks).values({ userId, reportId }).onConflictDoNothing();
}

export type NewReportNotice = {
  id: string;
  receivedAt: Date;
  accessionNumber: string | null;
  patientName: string | null;
  labResultId: string | null;
};

/**
 * "New to me": a matched report of the lab received in the last UNREAD_WINDOW_DAYS days
 * that the user has not opened. Older reports are history, not news; without the window
 * a new account would start with every report of the lab as new, and the header's poll
 * (every few seconds, for every signed-in user) would count the lab's whole archive.
 */
export const UNREAD_WINDOW_DAYS = 30;

/** The header shows "99+" past this; counting further would be work for nothing. */
export const UNREAD_COUNT_CAP = 100;

/** The SQL condition "new to this user" on `interpretation_reports` (see UNREAD_WINDOW_DAYS). */
export function unreadReportCondition(db: Db | Tx, userId: string) {
  return and(
    eq(interpretationReports.matchState, "matched"),
    gt(interpretationReports.receivedAt, sql`now() - make_interval(days => ${UNREAD_WINDOW_DAYS})`),
    notExists(
      db
        .select({ one: sql`1` })
        .from(reportReadMarks)
        .where(and(eq(reportReadMarks.reportId, interpretationReports.id), eq(reportReadMarks.userId, userId))),
    ),
  );
}

/** The reports new to the user in a lab: how many (up to UNREAD_COUNT_CAP) and the latest. */
export async function listUnreadReportsForUser(
  db: Db,
  userId: string,
  labId: string,
  limit = 20,
): Promise<{ count: number; latest: NewReportNotice[] }> {
  const unread = and(eq(interpretationReports.labId, labId), unreadReportCondition(db, userId));
  const [[countRow], latest] = await Promise.all([
    db.select({ n: count() }).from(
      db
        .select({ one: sql`1`.as("one") })
        .from(interpretationReports)
        .where(unread)
        .limit(UNREAD_COUNT_CAP)
        .as("capped"),
    ),
    db
      .select({
        id: interpretationReports.id,
        receivedAt: interpretationReports.receivedAt,
        accessionNumber: labResults.accessionNumber,
        patientName: sql<string | null>`${patients.familyName} || ', ' || ${patients.givenName}`,
        labResultId: interpretationReports.labResultId,
      })
      .from(interpretationReports)
      .leftJoin(labResults, eq(labResults.id, interpretationReports.labResultId))
      .leftJoin(patients, eq(patients.id, interpretationReports.patientId))
      .where(unread)
      .orderBy(descNullsLast(interpretationReports.receivedAt))
      .limit(limit),
  ]);
  return { count: countRow?.n ?? 0, latest };
}

export type UnmatchedReport = {
  id: string;
  receivedAt: Date;
  labId: string | null;
  partnerLabId: string | null;
  referenceId: string | null;
  deliveredPatientId: string;
  fileName: string;
};

const unmatchedColumns = {
  id: interpretationReports.id,
  receivedAt: interpretationReports.receivedAt,
  labId: interpretationReports.labId,
  partnerLabId: interpretationReports.partnerLabId,
  referenceId: interpretationReports.referenceId,
  deliveredPatientId: interpretationReports.deliveredPatientId,
  fileName: documents.fileName,
};

/** Unmatched reports an admin may triage: those of the admin's own labs, never another lab's or a lab-less one. */
export async function listUnmatchedReportsForAdmin(db: Db, labIds: string[]): Promise<UnmatchedReport[]> {
  if (labIds.length === 0) return [];
  return db
    .select(unmatchedColumns)
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(and(eq(interpretationReports.matchState, "unmatched"), inArray(interpretationReports.labId, labIds)))
    .orderBy(descNullsLast(interpretationReports.receivedAt))
    .limit(200);
}

/** Reports whose partner lab id named no lab we know: the platform operator's to route. */
export async function listLablessReportsForOperator(db: Db): Promise<UnmatchedReport[]> {
  return db
    .select(unmatchedColumns)
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(and(eq(interpretationReports.matchState, "unmatched"), isNull(interpretationReports.labId)))
    .orderBy(descNullsLast(interpretationReports.receivedAt))
    .limit(200);
}

/**
 * The operator hands a lab-less report to a lab: it becomes that lab's unmatched report
 * (with the lab's patient when the delivered patient id is known there), for the lab's
 * admins to attach. False when the report is not lab-less and unmatched, or no such lab.
 */
export async function routeReportToLab(db: Db, reportId: string, labId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [lab] = await tx.select({ id: labs.id }).from(labs).where(eq(labs.id, labId));
    if (!lab) return false;
    const [report] = await tx
      .select({
        documentId: interpretationReports.documentId,
        deliveredPatientId: interpretationReports.deliveredPatientId,
      })
      .from(interpretationReports)
      .where(
        and(
          eq(interpretationReports.id, reportId),
          eq(interpretationReports.matchState, "unmatched"),
          isNull(interpretationReports.labId),
        ),
      )
      .for("update");
    if (!report) return false;
    const [knownPatient] = await tx
      .select({ id: patients.id })
      .from(patients)
      .where(and(eq(patients.labId, labId), eq(patients.patientId, report.deliveredPatientId)))
      .limit(1);
    await tx
      .update(interpretationReports)
      .set({ labId, patientId: knownPatient?.id ?? null })
      .where(eq(interpretationReports.id, reportId));
    await tx.update(documents).set({ labId }).where(eq(documents.id, report.documentId));
    return true;
  });
}

export type AttachOutcome =
  | { ok: true; labId: string; patientId: string; patientMismatch: boolean }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "patient_mismatch"; deliveredPatientId: string; labResultPatientId: string };

/**
 * Attaches an unmatched report of one of the admin's labs to a lab result of the same lab
 * (as a new version of that lab result's reports). The delivered patient id must be the
 * lab result's patient's, unless `override` (a person's stated reason) says otherwise.
 */
export async function attachUnmatchedReport(
  db: Db,
  admin: { id: string; labIds: string[] },
  reportId: string,
  labResultId: string,
  override: { reason: string } | null = null,
): Promise<AttachOutcome> {
  if (admin.labIds.length === 0) return { ok: false, reason: "not_found" };
  return db.transaction(async (tx) => {
    // Locking the lab result serialises new versions of its reports.
    const [target] = await tx
      .select({
        id: labResults.id,
        labId: labResults.labId,
        patientRef: labResults.patientId,
        patientExternalId: patients.patientId,
      })
      .from(labResults)
      .innerJoin(patients, eq(patients.id, labResults.patientId))
      .where(and(eq(labResults.id, labResultId), inArray(labResults.labId, admin.labIds)))
      .for("update", { of: labResults });
    if (!target) return { ok: false, reason: "not_found" };
    const [report] = await tx
      .select({
        id: interpretationReports.id,
        documentId: interpretationReports.documentId,
        deliveredPatientId: interpretationReports.deliveredPatientId,
      })
      .from(interpretationReports)
      .where(
        and(
          eq(interpretationReports.id, reportId),
          eq(interpretationReports.matchState, "unmatched"),
          eq(interpretationReports.labId, target.labId),
        ),
      )
      .for("update");
    if (!report) return { ok: false, reason: "not_found" };
    const patientMismatch = report.deliveredPatientId !== target.patientExternalId;
    if (patientMismatch && !override) {
      return {
        ok: false,
        reason: "patient_mismatch",
        deliveredPatientId: report.deliveredPatientId,
        labResultPatientId: target.patientExternalId,
      };
    }
    const previous = await latestReportVersion(tx, target.id);
    await tx
      .update(interpretationReports)
      .set({
        patientId: target.patientRef,
        labResultId: target.id,
        matchState: "matched",
        version: (previous?.version ?? 0) + 1,
        supersedesId: previous?.id ?? null,
        attachedById: admin.id,
        attachedAt: new Date(),
      })
      .where(eq(interpretationReports.id, report.id));
    await tx
      .update(labResults)
      .set({ status: "report_ready", updatedAt: new Date() })
      .where(eq(labResults.id, target.id));
    return { ok: true, labId: target.labId, patientId: target.patientRef, patientMismatch };
  });
}

export type DeliveryLogRow = typeof deliveries.$inferSelect;

/** The deliveries log for admins: attempts for their own labs only. */
export async function listDeliveriesForAdmin(db: Db, labIds: string[], limit = 200): Promise<DeliveryLogRow[]> {
  if (labIds.length === 0) return [];
  return db
    .select()
    .from(deliveries)
    .where(inArray(deliveries.labId, labIds))
    .orderBy(descNullsLast(deliveries.receivedAt))
    .limit(limit);
}

/** The deliveries log for the platform operator: attempts tied to no lab (refused, or of an unknown partner lab). */
export async function listDeliveriesWithoutLab(db: Db, limit = 200): Promise<DeliveryLogRow[]> {
  return db
    .select()
    .from(deliveries)
    .where(isNull(deliveries.labId))
    .orderBy(descNullsLast(deliveries.receivedAt))
    .limit(limit);
}

/** The reports of several lab results at once (for a patient's timeline), limited to the user's labs. */
export async function listReportsForLabResults(
  db: Db,
  labIds: string[],
  labResultIds: string[],
): Promise<Map<string, ReportSummary[]>> {
  const byResult = new Map<string, ReportSummary[]>();
  if (labIds.length === 0 || labResultIds.length === 0) return byResult;
  const rows = await db
    .select({
      id: interpretationReports.id,
      labResultId: interpretationReports.labResultId,
      version: interpretationReports.version,
      receivedAt: interpretationReports.receivedAt,
      fileName: documents.fileName,
      sizeBytes: documents.sizeBytes,
    })
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(and(inArray(interpretationReports.labResultId, labResultIds), inArray(interpretationReports.labId, labIds)))
    .orderBy(descNullsLast(interpretationReports.version));
  for (const row of rows) {
    if (!row.labResultId) continue;
    const list = byResult.get(row.labResultId) ?? [];
    list.push({ ...row, superseded: list.length > 0 });
    byResult.set(row.labResultId, list);
  }
  return byResult;
}

/** Marks a report of the user's labs as reviewed by this user (and read); returns the report's lab, or null when not found. */
export async function markReportReviewed(
  db: Db,
  userId: string,
  labIds: string[],
  reportId: string,
): Promise<string | null> {
  if (labIds.length === 0) return null;
  const [report] = await db
    .select({ id: interpretationReports.id, labId: interpretationReports.labId })
    .from(interpretationReports)
    .where(and(eq(interpretationReports.id, reportId), inArray(interpretationReports.labId, labIds)));
  if (!report?.labId) return null;
  const now = new Date();
  await db
    .insert(reportReadMarks)
    .values({ userId, reportId, reviewedAt: now })
    .onConflictDoUpdate({ target: [reportReadMarks.userId, reportReadMarks.reportId], set: { reviewedAt: now } });
  return report.labId;
}

/** When this user reviewed each of the given reports (absent: not reviewed). */
export async function getReviewedAt(db: Db, userId: string, reportIds: string[]): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  if (reportIds.length === 0) return out;
  const rows = await db
    .select({ reportId: reportReadMarks.reportId, reviewedAt: reportReadMarks.reviewedAt })
    .from(reportReadMarks)
    .where(and(eq(reportReadMarks.userId, userId), inArray(reportReadMarks.reportId, reportIds)));
  for (const r of rows) if (r.reviewedAt) out.set(r.reportId, r.reviewedAt);
  return out;
}
