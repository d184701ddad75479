import "server-only";
import { openInboxEntry } from "./inbox";
import { and, eq, sql } from "drizzle-orm";
import { descNullsLast } from "../order";
import type { Db, Tx } from "@/db";
import type { IncomingReport } from "@/lib/domain";
import {
  deliveries,
  documents,
  interpretationReports,
  labResults,
  labs,
  patients,
  type NewDelivery,
} from "@/db/schema";
import { byteaFromBase64 } from "@/db/schema/types";
import { latestReportVersion } from "../reports";

/*
 * SYSTEM ONLY: storing what Docus delivers. These queries find the lab from the delivery
 * itself and bypass lab scoping by design: a delivery is made by Docus, not by a user.
 * Only the delivery route handler (POST /api/docus/reports), after it has authenticated
 * the request, may call them.
 */

export type { IncomingReport };

export type StoredReport = {
  reportId: string;
  duplicate: boolean;
  matched: boolean;
  labId: string | null;
  /** The matched lab result's upload and acceptance (a new report only), for the turnaround metric. */
  labResultTimes?: { uploadedAt: Date; acceptedAt: Date | null };
};

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
  /** Runs in the same transaction after a new report is stored (not for a duplicate). */
  afterStore?: (tx: Tx, stored: StoredReport) => Promise<void>,
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

    // The match rule, carried out with row locks: the rule itself (the candidates, and
    // which of them the report goes to) is stated, and unit-tested, in
    // lib/docus/delivery/match.ts; this query must pick as pickReportTarget does (checked by
    // deliveries.int.test.ts). In short: the lab result with this accession and patient id
    // that has waited longest for a report (sent to interpret and accepted, in the order
    // Docus accepted them); else the newest one sent to interpret; a "store only" file last.
    const findTarget = (skipLocked: boolean) =>
      tx
        .select({
          id: labResults.id,
          patientRef: labResults.patientId,
          createdAt: labResults.createdAt,
          acceptedAt: labResults.acceptedAt,
        })
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
          sql`case when ${labResults.mode} <> 'interpret' then 2 when ${labResults.status} = 'accepted' then 0 else 1 end`,
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
        // The Base64 that came in, when there is one (lib/domain.ts, IncomingReport).
        bytes: byteaFromBase64(report.pdf, report.pdfBase64),
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
      .returning({ id: interpretationReports.id, receivedAt: interpretationReports.receivedAt });
    if (target) {
      await openInboxEntry(tx, {
        reportId: stored!.id,
        labId: labId!,
        labResultId: target.id,
        version,
        receivedAt: stored!.receivedAt,
      });
      await tx
        .update(labResults)
        .set({ status: "report_ready", updatedAt: new Date() })
        .where(eq(labResults.id, target.id));
      await tx.update(patients).set({ lastActivityAt: new Date() }).where(eq(patients.id, target.patientRef));
    }
    await tx.insert(deliveries).values({ ...log, reason: target ? null : "stored as unmatched", reportId: stored!.id });
    const result = {
      reportId: stored!.id,
      duplicate: false,
      matched: Boolean(target),
      labId,
      ...(target ? { labResultTimes: { uploadedAt: target.createdAt, acceptedAt: target.acceptedAt } } : {}),
    };
    await afterStore?.(tx, result);
    return result;
  });
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
