import "server-only";
import { randomBytes } from "node:crypto";
import type { Db } from "@/db";
import { getLabResultExport, getPatientHistoryExport, getReportExport } from "@/db/queries/exports";
import type { QueryScope } from "@/db/queries/scope";
import { getEnv } from "@/lib/env";
import { FHIR_JSON, labResultBundle, patientHistoryBundle } from "./fhir";
import { HL7_CONTENT_TYPE, oruR01 } from "./hl7";
import type { ServedExport } from "./serve";

/** Lab results per page of a patient's FHIR history. */
export const HISTORY_PAGE_SIZE = 20;

/** A fresh MSH-10 (at most 20 characters, as HL7 v2.5.1 allows). */
export function newControlId(): string {
  return randomBytes(10).toString("hex");
}

const safeName = (value: string) => value.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);

/** One lab result as a FHIR Bundle, or undefined when it is not in the user's labs. */
export async function labResultFhirExport(db: Db, scope: QueryScope, id: string): Promise<ServedExport | undefined> {
  const found = await getLabResultExport(db, scope, id);
  if (!found) return undefined;
  const bundle = labResultBundle(found.lab, found.patient, found.result, { portalUrl: getEnv().NEXTAUTH_URL });
  return {
    body: JSON.stringify(bundle),
    contentType: FHIR_JSON,
    fileName: `${safeName(found.result.accessionNumber)}.fhir.json`,
    audit: { labId: found.lab.id, patientId: found.patient.id, labResultId: found.result.id },
  };
}

/** One page of a patient's lab results as a FHIR searchset Bundle, or undefined when the patient is not in the user's labs. */
export async function patientFhirExport(
  db: Db,
  scope: QueryScope,
  id: string,
  page: number,
): Promise<ServedExport | undefined> {
  const found = await getPatientHistoryExport(db, scope, id, { page, pageSize: HISTORY_PAGE_SIZE });
  if (!found) return undefined;
  const portalUrl = getEnv().NEXTAUTH_URL;
  const bundle = patientHistoryBundle(
    found.lab,
    found.patient,
    found.results,
    { page, pageSize: HISTORY_PAGE_SIZE, total: found.total, selfUrl: `${portalUrl}/api/patients/${id}/fhir` },
    { portalUrl },
  );
  return {
    body: JSON.stringify(bundle),
    contentType: FHIR_JSON,
    fileName: `patient-${safeName(found.patient.patientId)}${page > 1 ? `-page-${page}` : ""}.fhir.json`,
    audit: { labId: found.lab.id, patientId: found.patient.id },
  };
}

/** One interpretation report version as an HL7 v2.5.1 ORU^R01, or undefined when it is not in the user's labs. */
export async function reportHl7Export(db: Db, scope: QueryScope, id: string): Promise<ServedExport | undefined> {
  const found = await getReportExport(db, scope, id);
  if (!found) return undefined;
  const body = oruR01(found.lab, found.patient, found.result, found.report, {
    sendingApplication: found.lab.hl7SendingApplication,
    sendingFacility: found.lab.hl7SendingFacility,
    controlId: newControlId(),
  });
  return {
    body,
    contentType: HL7_CONTENT_TYPE,
    fileName: `${safeName(found.result.accessionNumber)}-report-v${found.report.version}.hl7`,
    audit: {
      labId: found.lab.id,
      patientId: found.patient.id,
      labResultId: found.result.id,
      reportId: found.report.id,
    },
  };
}
