import "server-only";
import type { PgBoss } from "pg-boss";
import type { Db } from "@/db";
import type { QueryScope } from "@/db/queries/scope";
import { getPatientOfLab, listPatientsByExternalIds, listUploadsForAccessions } from "@/db/queries/manifest";
import type { LabResultMode } from "@/lib/domain";
import {
  baseName,
  checkManifest,
  differingField,
  sizeProblem,
  type ManifestCheck,
  type ManifestFacts,
  type ManifestFile,
  type ManifestRow,
  type ParsedManifest,
} from "@/lib/manifest";
import { uploadLabResult, type UploadPatient } from "@/lib/uploads/upload";

/**
 * The server's side of a bulk upload with a manifest: the whole check again, with what
 * only the database knows, and the send of one file of the batch through the one
 * durable path every upload takes (queueLabResult).
 */

/** Who sends, for which lab: the signed-in user's query scope, with the lab they upload to. */
export type LabActor = QueryScope & { labId: string; labName?: string };

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
  | {
      status: "success";
      labResultId: string;
      /** "queued", or "needs_confirmation" when the wrong-patient guard held the file. */
      labResultStatus: "queued" | "needs_confirmation";
      patientRef: string;
      /** Why the guard held it. */
      message?: string;
    }
  | { status: "refused"; message: string }
  | { status: "error"; message: string };

/**
 * Sends one file of a checked batch through the one upload service (lib/uploads): the
 * file must be the one its row names; its patient is resolved once per batch (the first
 * file of a patient as a "new" patient, which is the existing one when the details agree;
 * the files after it by `patientRef`, the patient the first one resolved to). A duplicate
 * is a row not sent: a batch has no one to ask "send it again?".
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

  const person = { givenName: row.givenName, familyName: row.familyName, birthDate: row.birthDate, sex: row.sex };
  let patient: UploadPatient = { kind: "new", patientId: row.patientId, ...person };
  if (patientRef) {
    const known = await getPatientOfLab(db, scope, patientRef);
    if (!known || known.patientId !== row.patientId || differingField(known, person))
      return {
        status: "refused",
        message: `Row ${row.line} does not match the patient its batch resolved to. Nothing was sent.`,
      };
    patient = { kind: "existing", id: known.id };
  }

  const outcome = await uploadLabResult(
    db,
    { scope, userId: actor.userId, lab: { id: actor.labId, name: actor.labName ?? "This lab" } },
    {
      file: { name: fileName, bytes: file.bytes },
      patient,
      accessionNumber: row.accessionNumber,
      mode: row.mode,
      notes: row.notes,
      patientEmail: row.patientEmail,
      physicianEmail: row.physicianEmail,
      flag: row.flag,
      sayer: `row ${row.line}`,
      auditDetails: { manifestRow: row.line },
    },
    { maxUploadMb, boss },
  );
  switch (outcome.kind) {
    case "queued":
      return {
        status: "success",
        labResultId: outcome.labResultId,
        labResultStatus: "queued",
        patientRef: outcome.patientRef,
      };
    case "held":
      return {
        status: "success",
        labResultId: outcome.labResultId,
        labResultStatus: "needs_confirmation",
        patientRef: outcome.patientRef,
        message: outcome.reason,
      };
    case "duplicate":
      return { status: "refused", message: `${outcome.message} Nothing was sent.` };
    case "refused":
      return { status: "refused", message: outcome.message };
    case "error":
      return { status: "error", message: outcome.message };
  }
}
