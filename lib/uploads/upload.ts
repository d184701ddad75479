import "server-only";
import type { PgBoss } from "pg-boss";
import type { Db } from "@/db";
import { isLabActive } from "@/db/queries/lab-admin";
import {
  PatientConflictError,
  PatientNotFoundError,
  findDuplicateSubmission,
  type SubmissionInput,
} from "@/db/queries/lab-result-submissions";
import type { QueryScope } from "@/db/queries/scope";
import { recordAudit } from "@/lib/audit";
import { sha256Hex } from "@/lib/crypto";
import type { LabResultStatus } from "@/lib/domain";
import { describeError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { queueLabResult } from "@/lib/lab-results/submission";
import { describePerson } from "@/lib/manifest/demographics";
import { checkPdf } from "@/lib/pdf/check";
import type { PdfTextLimits } from "@/lib/pdf/text";

/**
 * The one upload of one lab-result PDF, for every way a file comes in (the upload page's
 * single files and batches, a manifest's rows): the lab is active, the file is a PDF within
 * the size limit, it is no duplicate, then it passes the wrong-patient guard and is stored
 * and queued in ONE transaction with its audit event (queueLabResult). It answers what
 * really became of the file, in words a technician understands:
 *
 * - `queued`: stored; a worker sends it to Docus.
 * - `held`: stored, but the wrong-patient guard held it: it is NOT sent until a person
 *   confirms it (the lab result's page, the dashboard's attention list).
 * - `duplicate`: the lab has this file already for the accession; nothing stored.
 * - `refused`: not stored, with why (and the field it is about).
 * - `error`: not stored, for a fault of the portal; trying again may help.
 *
 * One duplicate rule for every path: a file is a duplicate when the lab already has an
 * upload (not cancelled) for the same accession with the same content (SHA-256) or the
 * same file name (letter case aside). The same content twice is a repeat by definition; a
 * file of the same name for the same accession is, in a lab's practice, the same result
 * exported again, and a corrected result comes with a new name. The manifest's check
 * (lib/manifest/check.ts) applies the same rule before a batch is sent. A person who means
 * it may still send it again (`confirmDuplicate`, the single upload's "Send again"); a
 * manifest never confirms, so there a duplicate is a row not sent.
 */

export type UploadActor = {
  scope: QueryScope;
  userId: string;
  lab: { id: string; name: string } | null;
};

export type UploadPatient = SubmissionInput["patient"];

export type UploadRequest = {
  file: { name: string; bytes: Uint8Array };
  patient: UploadPatient;
  accessionNumber: string;
  mode: SubmissionInput["mode"];
  notes?: string;
  patientEmail?: string;
  physicianEmail?: string;
  /** The lab's own flag (normal, abnormal, critical); absent: not flagged. */
  flag?: SubmissionInput["flag"];
  /** The technician saw the duplicate question and chose to send it again. */
  confirmDuplicate?: boolean;
  /** Who "this upload" is in a patient-conflict message: "this upload" or "row 7". */
  sayer?: string;
  /** Added to the audit event's details (e.g. the manifest's row). */
  auditDetails?: Record<string, string | number | boolean>;
};

export type UploadField = "file" | "patientId" | "patientRef";

export type ExistingPatient = {
  id: string;
  patientId: string;
  givenName: string;
  familyName: string;
  birthDate: string | null;
};

export type UploadOutcome =
  | { kind: "queued"; labResultId: string; patientRef: string }
  | { kind: "held"; labResultId: string; patientRef: string; reason: string }
  | {
      kind: "duplicate";
      message: string;
      earlier: { labResultId: string; submittedAt: string; status: LabResultStatus };
    }
  | { kind: "refused"; message: string; field?: UploadField; existingPatient?: ExistingPatient }
  | { kind: "error"; message: string };

export type UploadOptions = {
  maxUploadMb: number;
  boss?: PgBoss;
  textLimits?: Partial<PdfTextLimits>;
};

/** What the guard says when it held a file without giving a reason (it always gives one today). */
const HELD_WITHOUT_REASON =
  "The wrong-patient guard held this file: it is stored but not sent. Open it to confirm or remove it.";

export function notAMemberMessage(): string {
  return "Your account is not a member of any lab. Ask an administrator to add you.";
}

/** Checks, stores and queues one file; never throws for anything a file or a person can cause. */
export async function uploadLabResult(
  db: Db,
  actor: UploadActor,
  request: UploadRequest,
  options: UploadOptions,
): Promise<UploadOutcome> {
  const { lab } = actor;
  if (!lab) return { kind: "refused", message: notAMemberMessage() };
  if (!(await isLabActive(db, lab.id)))
    return { kind: "refused", message: `${lab.name} is deactivated and takes no new uploads.` };

  const { bytes, name: fileName } = request.file;
  if (bytes.byteLength > options.maxUploadMb * 1024 * 1024)
    return {
      kind: "refused",
      field: "file",
      message: `${fileName} is larger than the ${options.maxUploadMb} MB limit.`,
    };
  const pdf = checkPdf(bytes, fileName);
  if (!pdf.ok) return { kind: "refused", field: "file", message: pdf.message };
  const sha256 = sha256Hex(bytes);
  const { accessionNumber } = request;

  if (!request.confirmDuplicate) {
    const earlier = await findDuplicateSubmission(db, actor.scope, accessionNumber, { sha256, fileName });
    if (earlier) {
      const how = earlier.sha256 === sha256 ? "the same content" : "a file of the same name";
      return {
        kind: "duplicate",
        message: `${fileName} was already uploaded for accession ${accessionNumber} on ${formatDateTime(earlier.createdAt)} (${how}).`,
        earlier: { labResultId: earlier.id, submittedAt: earlier.createdAt.toISOString(), status: earlier.status },
      };
    }
  }

  try {
    const queued = await queueLabResult(
      {
        labId: lab.id,
        userId: actor.userId,
        patient: request.patient,
        accessionNumber,
        mode: request.mode,
        notes: request.notes,
        patientEmail: request.patientEmail,
        physicianEmail: request.physicianEmail,
        flag: request.flag,
        file: { bytes, sha256, fileName },
      },
      (tx, id) =>
        recordAudit(tx, {
          action: "lab_result.upload",
          outcome: "allowed",
          userId: actor.userId,
          labId: lab.id,
          labResultId: id,
          details: {
            accessionNumber,
            mode: request.mode,
            flag: request.flag ?? null,
            sizeBytes: bytes.byteLength,
            sha256,
            duplicateConfirmed: request.confirmDuplicate ?? false,
            ...request.auditDetails,
          },
        }),
      { db, boss: options.boss, textLimits: options.textLimits },
    );
    if (queued.status === "needs_confirmation")
      return {
        kind: "held",
        labResultId: queued.labResultId,
        patientRef: queued.patientId,
        reason: queued.guard.reason ?? HELD_WITHOUT_REASON,
      };
    return { kind: "queued", labResultId: queued.labResultId, patientRef: queued.patientId };
  } catch (error) {
    if (error instanceof PatientConflictError) {
      const e = error.existing;
      return {
        kind: "refused",
        field: "patientId",
        message:
          `Patient id ${e.patientId} already exists in this lab as ${describePerson(e)}; ` +
          `${request.sayer ?? "this upload"} says ${describePerson(error.requested)}. Nothing was stored. ` +
          "Choose the existing patient, or correct the patient id or details.",
        existingPatient: {
          id: e.id,
          patientId: e.patientId,
          givenName: e.givenName,
          familyName: e.familyName,
          birthDate: e.birthDate,
        },
      };
    }
    if (error instanceof PatientNotFoundError) return { kind: "refused", field: "patientRef", message: error.message };
    console.error(`[upload] could not store a lab result: ${describeError(error)}`);
    return { kind: "error", message: "The lab result could not be stored. Nothing was sent; try again." };
  }
}
