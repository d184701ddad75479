import "server-only";
import { and, eq, inArray, isNull, notExists, or, sql } from "drizzle-orm";
import { descNullsLast } from "./order";
import type { Db, Tx } from "@/db";
import type { ParsedDelivery } from "@/lib/docus/delivery";
import { deliveries, documents, interpretationReports, labResults, labs, patients, reportReadMarks, type NewDelivery } from "@/db/schema";

/** A delivery that passed authentication and parsing, in the portal's words. */
export type IncomingReport = ParsedDelivery;

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
  delivery: { webhookId: string | null; remoteIp: string; bodyBytes: number; idempotencyKey: (labKey: string) => string },
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

    // One read for everything the write depends on: a report already stored under this
    // key; else the lab result with this accession and patient id (newest first), its
    // latest report version, and (for an unmatched report) the patient, when the lab
    // knows the patient id. Round trips are most of a delivery's cost.
    const readRows = await tx.execute(sql`
      with existing as (
        select id, lab_id, match_state from interpretation_reports where idempotency_key = ${key} limit 1
      ),
      target as (
        select lr.id, lr.patient_id from lab_results lr join patients p on p.id = lr.patient_id
        where lr.lab_id = ${labId}::uuid and lr.accession_number = ${report.referenceId}::text and p.patient_id = ${report.patientId}
          and not exists (select 1 from existing)
        order by lr.created_at desc nulls last limit 1
      )
      select
        (select id from existing) as existing_id,
        (select lab_id from existing) as existing_lab_id,
        (select match_state::text from existing) as existing_match_state,
        (select id from target) as target_id,
        (select patient_id from target) as target_patient_id,
        (select r.id from interpretation_reports r where r.lab_result_id = (select id from target) order by r.version desc nulls last limit 1) as previous_id,
        (select r.version from interpretation_reports r where r.lab_result_id = (select id from target) order by r.version desc nulls last limit 1) as previous_version,
        (select p.id from patients p where p.lab_id = ${labId}::uuid and p.patient_id = ${report.patientId} limit 1) as known_patient_id
    `);
    const read = rowsOf<DeliveryRead>(readRows)[0];
    if (!read) throw new Error("The delivery's read returned no row.");
    if (read.existing_id) {
      await tx.insert(deliveries).values({ ...log, outcome: "duplicate", reason: "already stored", reportId: read.existing_id });
      return { reportId: read.existing_id, duplicate: true, matched: read.existing_match_state === "matched", labId: read.existing_lab_id };
    }

    // One write: the document, the report (matched and versioned, or unmatched), the lab
    // result's new status, the patient's activity, and the delivery record.
    const matched = read.target_id !== null;
    const version = (read.previous_version ?? 0) + 1;
    const metadata = Object.keys(report.metadata).length > 0 ? JSON.stringify(report.metadata) : null;
    const writeRows = await tx.execute(sql`
      with doc as (
        insert into documents (lab_id, bytes, sha256, size_bytes, mime_type, file_name)
        values (${labId}::uuid, ${sql.param(report.pdf, documents.bytes)}, ${report.sha256}, ${report.pdf.byteLength}, 'application/pdf', ${report.fileName})
        returning id
      ),
      stored as (
        insert into interpretation_reports
          (lab_id, patient_id, lab_result_id, match_state, reference_id, delivered_patient_id, partner_lab_id, document_id, version, supersedes_id, idempotency_key, metadata)
        select ${labId}::uuid, ${read.target_patient_id ?? read.known_patient_id}::uuid, ${read.target_id}::uuid, ${matched ? "matched" : "unmatched"}::report_match_state,
          ${report.referenceId}::text, ${report.patientId}, ${report.partnerLabId}::text, doc.id, ${version}::int, ${read.previous_id}::uuid, ${key}, ${metadata}::jsonb
        from doc
        returning id
      ),
      lab_result as (
        update lab_results set status = 'report_ready', updated_at = now() where id = ${read.target_id}::uuid returning id
      ),
      patient as (
        update patients set last_activity_at = now() where id = ${read.target_patient_id}::uuid returning id
      ),
      logged as (
        insert into deliveries (outcome, http_status, reason, idempotency_key, webhook_id, lab_id, partner_lab_id, reference_id, report_id, remote_ip, body_bytes)
        select 'accepted', 200, ${matched ? null : "stored as unmatched"}::text, ${key}, ${log.webhookId ?? null}::text, ${labId}::uuid, ${report.partnerLabId}::text,
          ${report.referenceId}::text, stored.id, ${log.remoteIp ?? null}::text, ${log.bodyBytes ?? null}::int
        from stored
        returning id
      )
      select (select id from stored) as report_id, (select count(*)::int from logged) as logged, (select count(*)::int from lab_result) as updated
    `);
    const written = rowsOf<{ report_id: string; logged: number; updated: number }>(writeRows)[0];
    if (!written?.report_id || written.logged !== 1 || written.updated !== (matched ? 1 : 0)) {
      throw new Error("The delivery's write did not store the report, its status and its log together.");
    }
    return { reportId: written.report_id, duplicate: false, matched, labId };
  });
}

type DeliveryRead = {
  existing_id: string | null;
  existing_lab_id: string | null;
  existing_match_state: string | null;
  target_id: string | null;
  target_patient_id: string | null;
  previous_id: string | null;
  previous_version: number | null;
  known_patient_id: string | null;
};

/** The rows of `tx.execute`: postgres.js returns them as the result, PGlite under `rows`. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}

/** Records a refused or failed delivery attempt (never the body or a secret). */
export async function recordRefusedDelivery(
  db: Db,
  entry: { httpStatus: number; reason: string; webhookId: string | null; remoteIp: string; bodyBytes: number | null; outcome?: "refused" | "failed" },
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

export type NewReportNotice = { id: string; receivedAt: Date; accessionNumber: string | null; patientName: string | null; labResultId: string | null };

/** Matched reports of the lab that this user has not opened yet, newest first. */
export async function listUnreadReportsForUser(db: Db, userId: string, labId: string, limit = 20): Promise<{ count: number; latest: NewReportNotice[] }> {
  const unread = and(
    eq(interpretationReports.labId, labId),
    eq(interpretationReports.matchState, "matched"),
    notExists(
      db
        .select({ one: sql`1` })
        .from(reportReadMarks)
        .where(and(eq(reportReadMarks.reportId, interpretationReports.id), eq(reportReadMarks.userId, userId))),
    ),
  );
  const [countRow] = await db.select({ n: sql<number>`count(*)::int` }).from(interpretationReports).where(unread);
  const latest = await db
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
    .limit(limit);
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

/** Unmatched reports an admin may triage: those of the admin's labs and those of no known lab. */
export async function listUnmatchedReportsForAdmin(db: Db, labIds: string[]): Promise<UnmatchedReport[]> {
  return db
    .select({
      id: interpretationReports.id,
      receivedAt: interpretationReports.receivedAt,
      labId: interpretationReports.labId,
      partnerLabId: interpretationReports.partnerLabId,
      referenceId: interpretationReports.referenceId,
      deliveredPatientId: interpretationReports.deliveredPatientId,
      fileName: documents.fileName,
    })
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(
      and(
        eq(interpretationReports.matchState, "unmatched"),
        labIds.length > 0 ? or(isNull(interpretationReports.labId), inArray(interpretationReports.labId, labIds)) : isNull(interpretationReports.labId),
      ),
    )
    .orderBy(descNullsLast(interpretationReports.receivedAt))
    .limit(200);
}

/**
 * Attaches an unmatched report to a lab result of the admin's labs (as a new version of
 * that lab result's reports). Returns false when either is not found or not allowed.
 */
export async function attachUnmatchedReport(db: Db, admin: { id: string; labIds: string[] }, reportId: string, labResultId: string): Promise<boolean> {
  if (admin.labIds.length === 0) return false;
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: labResults.id, labId: labResults.labId, patientRef: labResults.patientId })
      .from(labResults)
      .where(and(eq(labResults.id, labResultId), inArray(labResults.labId, admin.labIds)));
    if (!target) return false;
    const [previous] = await tx
      .select({ id: interpretationReports.id, version: interpretationReports.version })
      .from(interpretationReports)
      .where(eq(interpretationReports.labResultId, target.id))
      .orderBy(descNullsLast(interpretationReports.version))
      .limit(1);
    const updated = await tx
      .update(interpretationReports)
      .set({
        labId: target.labId,
        patientId: target.patientRef,
        labResultId: target.id,
        matchState: "matched",
        version: (previous?.version ?? 0) + 1,
        supersedesId: previous?.id ?? null,
        attachedById: admin.id,
        attachedAt: new Date(),
      })
      .where(
        and(
          eq(interpretationReports.id, reportId),
          eq(interpretationReports.matchState, "unmatched"),
          or(isNull(interpretationReports.labId), inArray(interpretationReports.labId, admin.labIds)),
        ),
      )
      .returning({ documentId: interpretationReports.documentId });
    if (updated.length === 0) return false;
    await tx.update(documents).set({ labId: target.labId }).where(eq(documents.id, updated[0]!.documentId));
    await tx.update(labResults).set({ status: "report_ready", updatedAt: new Date() }).where(eq(labResults.id, target.id));
    return true;
  });
}

export type DeliveryLogRow = typeof deliveries.$inferSelect;

/** The deliveries log for admins: attempts for their labs and those not tied to any lab. */
export async function listDeliveriesForAdmin(db: Db, labIds: string[], limit = 200): Promise<DeliveryLogRow[]> {
  return db
    .select()
    .from(deliveries)
    .where(labIds.length > 0 ? or(isNull(deliveries.labId), inArray(deliveries.labId, labIds)) : isNull(deliveries.labId))
    .orderBy(descNullsLast(deliveries.receivedAt))
    .limit(limit);
}

/** The reports of several lab results at once (for a patient's timeline), limited to the user's labs. */
export async function listReportsForLabResults(db: Db, labIds: string[], labResultIds: string[]): Promise<Map<string, ReportSummary[]>> {
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

/** Marks a report of the user's labs as reviewed by this user (and read). False when not found. */
export async function markReportReviewed(db: Db, userId: string, labIds: string[], reportId: string): Promise<boolean> {
  if (labIds.length === 0) return false;
  const [report] = await db
    .select({ id: interpretationReports.id })
    .from(interpretationReports)
    .where(and(eq(interpretationReports.id, reportId), inArray(interpretationReports.labId, labIds)));
  if (!report) return false;
  const now = new Date();
  await db
    .insert(reportReadMarks)
    .values({ userId, reportId, reviewedAt: now })
    .onConflictDoUpdate({ target: [reportReadMarks.userId, reportReadMarks.reportId], set: { reviewedAt: now } });
  return true;
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
