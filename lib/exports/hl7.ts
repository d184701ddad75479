import type { PatientSex } from "@/lib/domain";
import type { ExportDocument, ExportLab, ExportLabResult, ExportPatient, ExportReportVersion } from "./fhir";
import { flagCoding, flagText } from "./flag";

/*
 * HL7 v2.5.1 ORU^R01 of one interpretation report version, for EHRs' interface engines:
 *
 *   MSH  sending application and facility (the lab's settings), control id, v2.5.1
 *   PID  the lab's patient id (CX, type MR), name, birth date, sex
 *   ORC  RE, the accession number as the filler order number
 *   OBR  LOINC 11502-2, observation and report times, result status F (first version)
 *        or C (a later version corrects it)
 *   NTE  that the report is AI-generated (Docus) and its version
 *   OBX  TX: the lab's flag ("Not flagged by the laboratory" when it has none)
 *   OBX  ED: the report PDF, Base64
 *
 * Every text value is escaped (\F\ \S\ \T\ \R\ \E\, line breaks as hex), so a name with
 * | ^ & ~ or \ survives; Base64 has none of those characters.
 */

export const HL7_CONTENT_TYPE = "application/hl7-v2; charset=utf-8";
export const DEFAULT_SENDING_APPLICATION = "LAB-RESULTS-PORTAL";

export type Hl7MessageOptions = {
  /** MSH-3; the lab's setting, or DEFAULT_SENDING_APPLICATION. */
  sendingApplication?: string | null;
  /** MSH-4; the lab's setting, or the lab's name. */
  sendingFacility?: string | null;
  receivingApplication?: string;
  receivingFacility?: string;
  /** MSH-10: unique per message; the ACK names it. */
  controlId: string;
  now?: Date;
};

/** Escapes a value for an HL7 v2 field, component or subcomponent (the default delimiters `|^~\&`). */
export function escapeHl7(value: string): string {
  return value
    .replace(/\\/g, "\\E\\")
    .replace(/\|/g, "\\F\\")
    .replace(/\^/g, "\\S\\")
    .replace(/&/g, "\\T\\")
    .replace(/~/g, "\\R\\")
    .replace(/\r/g, "\\X0D\\")
    .replace(/\n/g, "\\X0A\\");
}

/** The reverse of escapeHl7 (and of any \Xhh..\ hex escape). */
export function unescapeHl7(value: string): string {
  return value.replace(/\\(F|S|T|R|E|X(?:[0-9A-Fa-f]{2})+)\\/g, (_, code: string) => {
    switch (code) {
      case "F":
        return "|";
      case "S":
        return "^";
      case "T":
        return "&";
      case "R":
        return "~";
      case "E":
        return "\\";
      default:
        return Buffer.from(code.slice(1), "hex").toString("utf8");
    }
  });
}

/** An HL7 v2 DTM in UTC: YYYYMMDDHHMMSS+0000. */
export function hl7Timestamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+0000`;
}

/** HL7 table 0001 (administrative sex). */
export const hl7Sex: Record<PatientSex, string> = { female: "F", male: "M", other: "O", unknown: "U" };

/** OBR-25 / OBX-11: the first version is final (F); each later one corrects it (C). */
export function hl7ResultStatus(version: number): "F" | "C" {
  return version > 1 ? "C" : "F";
}

const field = (...components: (string | null | undefined)[]) =>
  components
    .map((c) => escapeHl7(c ?? ""))
    .join("^")
    .replace(/\^+$/, "");

const segment = (name: string, ...fields: (string | null | undefined)[]) =>
  [name, ...fields.map((f) => f ?? "")].join("|").replace(/\|+$/, "");

/** Base64 of a document, for an ED value. */
function edValue(application: string, doc: ExportDocument): string {
  return `${escapeHl7(application)}^AP^PDF^Base64^${Buffer.from(doc.bytes).toString("base64")}`;
}

/** The ORU^R01 of one interpretation report version, segments separated by CR. */
export function oruR01(
  lab: ExportLab,
  patient: ExportPatient,
  result: ExportLabResult,
  report: ExportReportVersion,
  options: Hl7MessageOptions,
): string {
  const application = options.sendingApplication?.trim() || DEFAULT_SENDING_APPLICATION;
  const facility = options.sendingFacility?.trim() || lab.name;
  const status = hl7ResultStatus(report.version);
  const flag = flagCoding(result.flag);
  const filler = field(result.accessionNumber, application);
  const reportCode = field("11502-2", "Laboratory report", "LN");
  const segments = [
    `MSH|^~\\&|${field(application)}|${field(facility)}|${field(options.receivingApplication)}|${field(options.receivingFacility)}|${hl7Timestamp(options.now ?? new Date())}||ORU^R01^ORU_R01|${escapeHl7(options.controlId)}|P|2.5.1|||AL|NE||UNICODE UTF-8`,
    segment(
      "PID",
      "1",
      "",
      `${escapeHl7(patient.patientId)}^^^${escapeHl7(facility)}^MR`,
      "",
      field(patient.familyName, patient.givenName),
      "",
      patient.birthDate ? patient.birthDate.replace(/-/g, "") : "",
      hl7Sex[patient.sex],
    ),
    segment("ORC", "RE", "", filler, "", "CM"),
    segment(
      "OBR",
      "1",
      "",
      filler,
      reportCode,
      "",
      "",
      hl7Timestamp(result.createdAt),
      ...Array<string>(14).fill(""),
      hl7Timestamp(report.receivedAt),
      "",
      "LAB",
      status,
    ),
    segment(
      "NTE",
      "1",
      "L",
      escapeHl7(`Interpretation report version ${report.version}, generated by AI (Docus) from the laboratory report.`),
    ),
    segment(
      "OBX",
      "1",
      "TX",
      field("LABFLAG", "Laboratory flag", "L"),
      "",
      escapeHl7(flagText(result.flag)),
      "",
      "",
      flag?.code ?? "",
      "",
      "",
      status,
    ),
    segment("OBX", "2", "ED", reportCode, "", edValue(application, report.document), "", "", "", "", "", status),
  ];
  return segments.join("\r");
}
