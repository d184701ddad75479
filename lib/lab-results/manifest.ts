import "server-only";
import type { PgBoss } from "pg-boss";
import type { Db } from "@/db";
import { PatientConflictError, PatientNotFoundError, type SubmissionInput } from "@/db/queries/lab-result-submissions";
import type { QueryScope } from "@/db/queries/scope";
import { getPatientOfLab, listPatientsByExternalIds, listUploadsForAccessions } from "@/db/queries/manifest";
import { recordAudit } from "@/lib/audit";
import type { LabResultMode } from "@/lib/domain";
import { describeError } from "@/lib/errors";
import {
  baseName,
  checkManifest,
  describePerson,
  differingField,
  sizeProblem,
  type ManifestCheck,
  type ManifestFacts,
  type ManifestFile,
  type ManifestRow,
  type ParsedManifest,
} from "@/lib/manifest";
import { sha256Hex } from "@/lib/crypto";
import { checkPdf } from "@/lib/pdf/check";
import { queueLabResult } from "./submission";

/**
 * The server's side of a bulk upload with a manifest: the whole check again, with what
 * only the database knows, and the send of one file of the batch through the one
 * durable path every upload takes (queueLabResult).
 */

/** Who sends, for which lab: the signed-in user's query scope, with the lab they upload to. */
export type LabActor = QueryScope & { labId: string };

/** Patients and earlier uploads of the lab that the manifest's rows touch. */
export async function manifestFactsFor(db: Db, scope: QueryScope, parsed: ParsedManifest): Promise<ManifestFacts> {
  const values = (column: "patientId" | "accessionNumber") => [
    ...new Set(parsed.rows.flatMap((r) => (r.values[column]?.trim() ? [r.values[column]!.trim()] : []))),
  ];
  const [existing, earlier] = await Promise.all([
    listPatientsByExternalIds(db, scope, values("patientId")),
    listUploadsForAccessions(db, scope, values("accessionNumber")),
  ]);
  return {
    existingPatients: existing,
    earlierUploads: earlier.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
  };
}

/**
 * Reruns every check of the manifest on the server: its rows and columns, the files by
 * name and declared size (their bytes are checked again when each is sent), and the
 * database's facts. `dropped`: lines the technician dropped.
 */
export async function checkManifestForLab(
  db: Db,
  scope: QueryScope,
  parsed: ParsedManifest,
  files: ManifestFile[],
  { defaultMode, maxUploadMb }: { defaultMode: LabResultMode; maxUploadMb: number },
): Promise<ManifestCheck> {
  const facts = await manifestFactsFor(db, scope, parsed);
  const checkedFiles = files.map((f) => ({ ...f, problem: sizeProblem(f.name, f.size, maxUploadMb) }));
  return checkManifest(parsed, checkedFiles, { defaultMode, facts });
}

export type ManifestSendResult =
  | { status: "success"; labResultId: string; labResultStatus: string; patientRef: string }
  | { status: "refused"; message: string }
  | { status: "error"; message: string };

/**
 * Sends one file of a checked batch: its bytes checked again, refused when the lab has it
 * already for the accession (same content or same file name), its patient resolved (the
 * first file of a patient as a "new" patient, which is the existing one when the details
 * agree; the files after it by `patientRef`, the patient the first one resolved to), then
 * stored and queued in one transaction with its audit event.
 */
export async function sendManifestFile(
  db: Db,
  actor: LabActor,
  row: ManifestRow,
  file: { name: string; bytes: Uint8Array },
  { patientRef, maxUploadMb, boss }: { patientRef?: string; maxUploadMb: number; boss?: PgBoss },
): Promise<ManifestSendResult> {
  const scope = actor;
  const fileName = baseName(file.name);
  if (fileName.toLowerCase() !== row.fileName.toLowerCase())
    return {
      status: "refused",
      message: `The file ${fileName} is not the file row ${row.line} names (${row.fileName}).`,
    };
  const tooBig = sizeProblem(fileName, file.bytes.byteLength, maxUploadMb);
  if (tooBig) return { status: "refused", message: tooBig.message };
  const pdf = checkPdf(file.bytes, fileName);
  if (!pdf.ok) return { status: "refused", message: pdf.message };
  const sha256 = sha256Hex(file.bytes);

  const earlier = (await listUploadsForAccessions(db, scope, [row.accessionNumber])).find(
    (u) => u.sha256 === sha256 || u.fileName.toLowerCase() === fileName.toLowerCase(),
  );
  if (earlier)
    return {
      status: "refused",
      message: `${fileName} was already uploaded for accession ${row.accessionNumber} (${earlier.sha256 === sha256 ? "the same content" : "a file of the same name"}). Nothing was sent.`,
    };

  const person = { givenName: row.givenName, familyName: row.familyName, birthDate: row.birthDate, sex: row.sex };
  let patient: SubmissionInput["patient"] = { kind: "new", patientId: row.patientId, ...person };
  if (patientRef) {
    const known = await getPatientOfLab(db, scope, patientRef);
    if (!known || known.patientId !== row.patientId || differingField(known, person))
      return {
        status: "refused",
        message: `Row ${row.line} does not match the patient its batch resolved to. Nothing was sent.`,
      };
    patient = { kind: "existing", id: known.id };
  }

  const base64 = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).toString("base64");
  try {
    const queued = await queueLabResult(
      {
        labId: actor.labId,
        userId: actor.userId,
        patient,
        accessionNumber: row.accessionNumber,
        mode: row.mode,
        notes: row.notes,
        patientEmail: row.patientEmail,
        physicianEmail: row.physicianEmail,
        flag: row.flag,
        file: { bytes: file.bytes, sha256, fileName, base64 },
      },
      (tx, id) =>
        recordAudit(tx, {
          action: "lab_result.upload",
          outcome: "allowed",
          userId: actor.userId,
          labId: actor.labId,
          labResultId: id,
          details: {
            accessionNumber: row.accessionNumber,
            mode: row.mode,
            sizeBytes: file.bytes.byteLength,
            sha256,
            manifestRow: row.line,
          },
        }),
      { db, boss },
    );
    return {
      status: "success",
      labResultId: queued.labResultId,
      labResultStatus: "queued",
      patientRef: queued.patientId,
    };
  } catch (error) {
    if (error instanceof PatientConflictError)
      return {
        status: "refused",
        message: `Patient id ${row.patientId} already exists in this lab as ${describePerson(error.existing)}; row ${row.line} says ${describePerson(person)}. Nothing was sent.`,
      };
    if (error instanceof PatientNotFoundError) return { status: "refused", message: error.message };
    console.error(`[manifest] could not store a lab result: ${describeError(error)}`);
    return { status: "error", message: "The lab result could not be stored. Nothing was sent; try again." };
  }
}
