import "server-only";
import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { documents, interpretationReports, labResults, labs, patients } from "@/db/schema";
import type { QueryScope } from "./scope";

/*
 * What the FHIR and HL7 exports need: a lab result with its lab, patient, PDF and every
 * version of its interpretation report (with their PDFs), limited to the user's labs. A
 * row of another lab is "not found". The lib/exports builders turn these into messages.
 */

export type ExportDocumentRow = {
  id: string;
  bytes: Uint8Array;
  sha256: string;
  fileName: string;
  mimeType: string;
  createdAt: Date;
};

export type ExportLabRow = {
  id: string;
  name: string;
  hl7SendingApplication: string | null;
  hl7SendingFacility: string | null;
};

export type ExportPatientRow = {
  id: string;
  patientId: string;
  givenName: string;
  familyName: string;
  birthDate: string | null;
  sex: "female" | "male" | "other" | "unknown";
};

export type ExportReportRow = { id: string; version: number; receivedAt: Date; document: ExportDocumentRow };

export type ExportLabResultRow = {
  id: string;
  accessionNumber: string;
  createdAt: Date;
  document: ExportDocumentRow;
  /** Oldest version first. */
  reports: ExportReportRow[];
};

export type LabResultExport = { lab: ExportLabRow; patient: ExportPatientRow; result: ExportLabResultRow };

const documentColumns = {
  id: documents.id,
  bytes: documents.bytes,
  sha256: documents.sha256,
  fileName: documents.fileName,
  mimeType: documents.mimeType,
  createdAt: documents.createdAt,
};

const labColumns = {
  id: labs.id,
  name: labs.name,
  hl7SendingApplication: labs.hl7SendingApplication,
  hl7SendingFacility: labs.hl7SendingFacility,
};

const patientColumns = {
  id: patients.id,
  patientId: patients.patientId,
  givenName: patients.givenName,
  familyName: patients.familyName,
  birthDate: patients.birthDate,
  sex: patients.sex,
};

/** The matched reports of these lab results with their PDFs, oldest version first, by lab result. */
async function reportsOf(db: Db | Tx, labId: string, labResultIds: string[]): Promise<Map<string, ExportReportRow[]>> {
  const byResult = new Map<string, ExportReportRow[]>();
  if (labResultIds.length === 0) return byResult;
  const rows = await db
    .select({
      id: interpretationReports.id,
      labResultId: interpretationReports.labResultId,
      version: interpretationReports.version,
      receivedAt: interpretationReports.receivedAt,
      document: documentColumns,
    })
    .from(interpretationReports)
    .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
    .where(and(inArray(interpretationReports.labResultId, labResultIds), eq(interpretationReports.labId, labId)))
    .orderBy(asc(interpretationReports.version));
  for (const { labResultId, ...row } of rows) {
    if (!labResultId) continue;
    byResult.set(labResultId, [...(byResult.get(labResultId) ?? []), row]);
  }
  return byResult;
}

/** One lab result and everything its export carries, or undefined when it is not in the user's labs. */
export async function getLabResultExport(
  db: Db | Tx,
  scope: QueryScope,
  labResultId: string,
): Promise<LabResultExport | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select({
      lab: labColumns,
      patient: patientColumns,
      id: labResults.id,
      accessionNumber: labResults.accessionNumber,
      createdAt: labResults.createdAt,
      document: documentColumns,
    })
    .from(labResults)
    .innerJoin(labs, eq(labs.id, labResults.labId))
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .where(and(eq(labResults.id, labResultId), inArray(labResults.labId, labIds)));
  if (!row) return undefined;
  const { lab, patient, ...result } = row;
  const reports = (await reportsOf(db, lab.id, [result.id])).get(result.id) ?? [];
  return { lab, patient, result: { ...result, reports } };
}

export type PatientHistoryExport = {
  lab: ExportLabRow;
  patient: ExportPatientRow;
  results: ExportLabResultRow[];
  total: number;
};

/** One page of a patient's lab results (newest first) for export, or undefined when the patient is not in the user's labs. */
export async function getPatientHistoryExport(
  db: Db,
  scope: QueryScope,
  patientRef: string,
  { page, pageSize }: { page: number; pageSize: number },
): Promise<PatientHistoryExport | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [head] = await db
    .select({ lab: labColumns, patient: patientColumns })
    .from(patients)
    .innerJoin(labs, eq(labs.id, patients.labId))
    .where(and(eq(patients.id, patientRef), inArray(patients.labId, labIds)));
  if (!head) return undefined;
  const where = and(eq(labResults.patientId, patientRef), eq(labResults.labId, head.lab.id));
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(labResults).where(where);
  const rows = await db
    .select({
      id: labResults.id,
      accessionNumber: labResults.accessionNumber,
      createdAt: labResults.createdAt,
      document: documentColumns,
    })
    .from(labResults)
    .innerJoin(documents, eq(documents.id, labResults.documentId))
    .where(where)
    .orderBy(desc(labResults.createdAt), desc(labResults.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const reports = await reportsOf(
    db,
    head.lab.id,
    rows.map((r) => r.id),
  );
  return { ...head, total, results: rows.map((r) => ({ ...r, reports: reports.get(r.id) ?? [] })) };
}

export type ReportExport = LabResultExport & { report: ExportReportRow };

/**
 * One interpretation report version with its lab result's export (for its HL7 message), or
 * undefined when it is not in the user's labs or matches no lab result.
 */
export async function getReportExport(
  db: Db | Tx,
  scope: QueryScope,
  reportId: string,
): Promise<ReportExport | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select({ labResultId: interpretationReports.labResultId })
    .from(interpretationReports)
    .where(and(eq(interpretationReports.id, reportId), inArray(interpretationReports.labId, labIds)));
  if (!row?.labResultId) return undefined;
  const found = await getLabResultExport(db, scope, row.labResultId);
  const report = found?.result.reports.find((r) => r.id === reportId);
  return found && report ? { ...found, report } : undefined;
}
