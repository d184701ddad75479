import { createHash } from "node:crypto";
import type {
  Attachment,
  Binary,
  Bundle,
  BundleEntry,
  BundleLink,
  CodeableConcept,
  Device,
  DiagnosticReport,
  Identifier,
  Organization,
  Patient,
  Provenance,
  Resource,
  ServiceRequest,
  Specimen,
} from "@medplum/fhirtypes";
import type { PatientSex } from "@/lib/domain";
import { flagCoding, flagText, OBSERVATION_INTERPRETATION, type LabFlag } from "./flag";

/*
 * FHIR R4 exports of lab results: one lab result with its interpretation reports, or a
 * page of a patient's history. Pure functions of the rows they are given (no database),
 * so that the tests validate exactly what the routes serve.
 *
 * Per lab result: Patient, the lab's Organization, ServiceRequest and Specimen carrying
 * the accession number (identifier type ACSN), the lab's DiagnosticReport with its PDF in
 * a Binary, and per interpretation report version a DiagnosticReport (LOINC 11502-2) with
 * its PDF, marked as AI-generated (meta.security AIAST) with a Provenance naming Docus's
 * Device as its author.
 */

export const FHIR_JSON = "application/fhir+json";

export const US_CORE_LAB_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-diagnosticreport-lab";

export const LOINC = "http://loinc.org";
export const LAB_REPORT_LOINC = "11502-2";
export const V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";
export const V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
export const V3_OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
export const PROVENANCE_PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
/** RFC 3986 URIs as identifier values: our SHA-256 as an RFC 6920 `nih:` URI. */
export const URI_SYSTEM = "urn:ietf:rfc:3986";

/** The AI transparency security label: "Artificial Intelligence asserted". */
export const AI_ASSERTED = { system: V3_OBSERVATION_VALUE, code: "AIAST", display: "Artificial Intelligence asserted" };

export type ExportLab = { id: string; name: string };

export type ExportPatient = {
  id: string;
  /** The lab's own patient id. */
  patientId: string;
  givenName: string;
  familyName: string;
  birthDate: string | null;
  sex: PatientSex;
};

export type ExportDocument = {
  id: string;
  bytes: Uint8Array;
  /** Lower-case hex SHA-256 of `bytes`. */
  sha256: string;
  fileName: string;
  mimeType: string;
  createdAt: Date;
};

export type ExportReportVersion = {
  id: string;
  version: number;
  receivedAt: Date;
  document: ExportDocument;
};

export type ExportLabResult = {
  id: string;
  accessionNumber: string;
  createdAt: Date;
  /** The lab's flag; none exports as "not flagged". */
  flag?: LabFlag | null;
  document: ExportDocument;
  /** Oldest version first. */
  reports: ExportReportVersion[];
};

export type ExportOptions = {
  /** The portal's own URL: identifier systems are URIs under it, one namespace per lab. */
  portalUrl: string;
  /** Bundle.timestamp; now by default. */
  now?: Date;
};

/** Identifier systems of one lab (its patient ids, its accession numbers, our report ids). */
export function labSystems(portalUrl: string, labId: string) {
  const base = `${portalUrl.replace(/\/+$/, "")}/fhir/sid/labs/${labId}`;
  return {
    lab: `${portalUrl.replace(/\/+$/, "")}/fhir/sid/labs`,
    patient: `${base}/patient-id`,
    accession: `${base}/accession-number`,
    report: `${base}/interpretation-report`,
  };
}

/** A name-based (version 5 style) UUID, so that each resource keeps its id across exports. */
export function nameUuid(...parts: string[]): string {
  const hash = createHash("sha1").update(parts.join("\u0000")).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Base64 SHA-1 of the bytes: FHIR R4's Attachment.hash. */
export function sha1Base64(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("base64");
}

/** The document's SHA-256 as an identifier (an RFC 6920 `nih:` URI with the hex digest). */
export function sha256Identifier(sha256: string): Identifier {
  return { type: { text: "SHA-256 of the PDF" }, system: URI_SYSTEM, value: `nih:sha-256;${sha256}` };
}

/** An interpretation report version's status: the first is final, each later one amends it. */
export function reportVersionStatus(version: number): "final" | "amended" {
  return version > 1 ? "amended" : "final";
}

const genders: Record<PatientSex, Patient["gender"]> = {
  female: "female",
  male: "male",
  other: "other",
  unknown: "unknown",
};

const labReportCode: CodeableConcept = {
  coding: [{ system: LOINC, code: LAB_REPORT_LOINC, display: "Laboratory report" }],
  text: "Laboratory report",
};

const labCategory: CodeableConcept[] = [{ coding: [{ system: V2_0074, code: "LAB", display: "Laboratory" }] }];

function accessionType(): CodeableConcept {
  return { coding: [{ system: V2_0203, code: "ACSN", display: "Accession ID" }] };
}

const urn = (id: string) => `urn:uuid:${id}`;

function entry(resource: Resource & { id: string }, mode?: "match" | "include"): BundleEntry {
  return { fullUrl: urn(resource.id), resource, ...(mode ? { search: { mode } } : {}) };
}

function patientResource(lab: ExportLab, patient: ExportPatient, portalUrl: string): Patient & { id: string } {
  return {
    resourceType: "Patient",
    id: patient.id,
    identifier: [
      {
        use: "usual",
        type: { coding: [{ system: V2_0203, code: "MR", display: "Medical record number" }] },
        system: labSystems(portalUrl, lab.id).patient,
        value: patient.patientId,
        assigner: { display: lab.name },
      },
    ],
    name: [{ use: "official", family: patient.familyName, given: [patient.givenName] }],
    gender: genders[patient.sex],
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
  };
}

function labOrganization(lab: ExportLab, portalUrl: string): Organization {
  return {
    resourceType: "Organization",
    id: nameUuid("organization", lab.id),
    identifier: [{ system: labSystems(portalUrl, lab.id).lab, value: lab.id }],
    active: true,
    type: [
      {
        coding: [{ system: "http://terminology.hl7.org/CodeSystem/organization-type", code: "prov" }],
        text: "Reference laboratory",
      },
    ],
    name: lab.name,
  };
}

/** Docus, the AI service that writes the interpretation reports. */
export function docusDevice(): Device {
  return {
    resourceType: "Device",
    id: nameUuid("device", "docus"),
    deviceName: [{ name: "Docus", type: "user-friendly-name" }],
    manufacturer: "Docus",
    type: { text: "AI service that interprets laboratory reports" },
  };
}

function pdfAttachment(doc: ExportDocument, binaryId: string, title: string): Attachment {
  return {
    contentType: doc.mimeType,
    url: urn(binaryId),
    size: doc.bytes.byteLength,
    hash: sha1Base64(doc.bytes),
    title,
    creation: doc.createdAt.toISOString(),
  };
}

function binary(doc: ExportDocument): Binary & { id: string } {
  return {
    resourceType: "Binary",
    id: nameUuid("binary", doc.id),
    contentType: doc.mimeType,
    data: Buffer.from(doc.bytes).toString("base64"),
  };
}

/** The entries of one lab result (everything but the Patient, Organization and Device it shares). */
function labResultEntries(
  lab: ExportLab,
  patient: ExportPatient,
  result: ExportLabResult,
  { portalUrl }: ExportOptions,
  organizationId: string,
  deviceId: string,
  search: boolean,
): BundleEntry[] {
  const systems = labSystems(portalUrl, lab.id);
  const subject = { reference: urn(patient.id), display: `${patient.familyName}, ${patient.givenName}` };
  const accession: Identifier = { type: accessionType(), system: systems.accession, value: result.accessionNumber };
  const effective = result.createdAt.toISOString();

  const serviceRequest: ServiceRequest & { id: string } = {
    resourceType: "ServiceRequest",
    id: nameUuid("service-request", result.id),
    identifier: [accession],
    status: result.reports.length > 0 ? "completed" : "active",
    intent: "order",
    category: [{ coding: [{ system: "http://snomed.info/sct", code: "108252007", display: "Laboratory procedure" }] }],
    code: { text: "Interpretation of a laboratory report" },
    subject,
    authoredOn: effective,
    performer: [{ reference: urn(organizationId) }],
  };
  const specimen: Specimen & { id: string } = {
    resourceType: "Specimen",
    id: nameUuid("specimen", result.id),
    accessionIdentifier: accession,
    subject,
    request: [{ reference: urn(serviceRequest.id) }],
  };
  const labBinary = binary(result.document);
  const flag = flagCoding(result.flag);
  const labReport: DiagnosticReport & { id: string } = {
    resourceType: "DiagnosticReport",
    id: nameUuid("lab-report", result.id),
    meta: { profile: [US_CORE_LAB_PROFILE] },
    identifier: [accession, sha256Identifier(result.document.sha256)],
    basedOn: [{ reference: urn(serviceRequest.id) }],
    status: "final",
    category: labCategory,
    code: labReportCode,
    subject,
    effectiveDateTime: effective,
    issued: effective,
    performer: [{ reference: urn(organizationId), display: lab.name }],
    specimen: [{ reference: urn(specimen.id) }],
    conclusion: flagText(result.flag),
    ...(flag ? { conclusionCode: [{ coding: [{ system: OBSERVATION_INTERPRETATION, ...flag }] }] } : {}),
    presentedForm: [pdfAttachment(result.document, labBinary.id, result.document.fileName)],
  };

  const entries: BundleEntry[] = [
    entry(labReport, search ? "match" : undefined),
    entry(serviceRequest, search ? "include" : undefined),
    entry(specimen, search ? "include" : undefined),
    entry(labBinary, search ? "include" : undefined),
  ];
  for (const version of result.reports) {
    const reportBinary = binary(version.document);
    const issued = version.receivedAt.toISOString();
    const interpretation: DiagnosticReport & { id: string } = {
      resourceType: "DiagnosticReport",
      id: version.id,
      meta: { profile: [US_CORE_LAB_PROFILE], security: [AI_ASSERTED] },
      identifier: [
        { system: systems.report, value: version.id },
        { type: accessionType(), system: systems.accession, value: result.accessionNumber },
        sha256Identifier(version.document.sha256),
      ],
      basedOn: [{ reference: urn(serviceRequest.id) }],
      status: reportVersionStatus(version.version),
      category: labCategory,
      code: {
        ...labReportCode,
        text: `Interpretation of the laboratory report (AI-generated), version ${version.version}`,
      },
      subject,
      effectiveDateTime: effective,
      issued,
      specimen: [{ reference: urn(specimen.id) }],
      presentedForm: [pdfAttachment(version.document, reportBinary.id, version.document.fileName)],
    };
    const provenance: Provenance & { id: string } = {
      resourceType: "Provenance",
      id: nameUuid("provenance", version.id),
      meta: { security: [AI_ASSERTED] },
      target: [{ reference: urn(interpretation.id) }],
      recorded: issued,
      agent: [
        {
          type: { coding: [{ system: PROVENANCE_PARTICIPANT_TYPE, code: "author", display: "Author" }] },
          who: { reference: urn(deviceId), display: "Docus" },
        },
        {
          type: { coding: [{ system: PROVENANCE_PARTICIPANT_TYPE, code: "custodian", display: "Custodian" }] },
          who: { reference: urn(organizationId), display: lab.name },
        },
      ],
      entity: [{ role: "source", what: { reference: urn(labReport.id) } }],
    };
    entries.push(
      entry(interpretation, search ? "match" : undefined),
      entry(reportBinary, search ? "include" : undefined),
      entry(provenance, search ? "include" : undefined),
    );
  }
  return entries;
}

function sharedEntries(lab: ExportLab, patient: ExportPatient, portalUrl: string, search: boolean) {
  const organization = labOrganization(lab, portalUrl) as Organization & { id: string };
  const device = docusDevice() as Device & { id: string };
  const mode = search ? "include" : undefined;
  return {
    organization,
    device,
    entries: [entry(patientResource(lab, patient, portalUrl), mode), entry(organization, mode), entry(device, mode)],
  };
}

/** A Bundle (collection) of one lab result with every version of its interpretation report. */
export function labResultBundle(
  lab: ExportLab,
  patient: ExportPatient,
  result: ExportLabResult,
  options: ExportOptions,
): Bundle {
  const { organization, device, entries } = sharedEntries(lab, patient, options.portalUrl, false);
  return {
    resourceType: "Bundle",
    id: nameUuid("bundle", result.id, (options.now ?? new Date()).toISOString()),
    type: "collection",
    timestamp: (options.now ?? new Date()).toISOString(),
    entry: [...entries, ...labResultEntries(lab, patient, result, options, organization.id, device.id, false)],
  };
}

export type HistoryPage = {
  page: number;
  pageSize: number;
  /** Lab results of the patient in all. */
  total: number;
  /** The route of this export, without a query (paging links add ?page=N). */
  selfUrl: string;
};

/** A Bundle (searchset) of one page of a patient's lab results, newest first, with paging links. */
export function patientHistoryBundle(
  lab: ExportLab,
  patient: ExportPatient,
  results: ExportLabResult[],
  paging: HistoryPage,
  options: ExportOptions,
): Bundle {
  const { organization, device, entries } = sharedEntries(lab, patient, options.portalUrl, true);
  const pageUrl = (page: number) => `${paging.selfUrl}?page=${page}`;
  const lastPage = Math.max(1, Math.ceil(paging.total / paging.pageSize));
  const link: BundleLink[] = [
    { relation: "self", url: pageUrl(paging.page) },
    { relation: "first", url: pageUrl(1) },
    ...(paging.page > 1 ? [{ relation: "previous", url: pageUrl(Math.min(paging.page - 1, lastPage)) }] : []),
    ...(paging.page < lastPage ? [{ relation: "next", url: pageUrl(paging.page + 1) }] : []),
    { relation: "last", url: pageUrl(lastPage) },
  ];
  return {
    resourceType: "Bundle",
    id: nameUuid("bundle", patient.id, String(paging.page), (options.now ?? new Date()).toISOString()),
    type: "searchset",
    timestamp: (options.now ?? new Date()).toISOString(),
    total: paging.total,
    link,
    entry: [
      ...entries,
      ...results.flatMap((result) => labResultEntries(lab, patient, result, options, organization.id, device.id, true)),
    ],
  };
}
