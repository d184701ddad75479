"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { isLabActive } from "@/db/queries/lab-admin";
import {
  PatientConflictError,
  PatientNotFoundError,
  findDuplicateSubmission,
  type PatientVersion,
} from "@/db/queries/lab-result-submissions";
import { scopeOf } from "@/db/queries/scope";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/account/auth";
import { getEnv } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { queueLabResult } from "@/lib/lab-results/submission";
import { sha256Hex } from "@/lib/crypto";
import { checkPdf } from "@/lib/pdf/check";
import { sanitizeFileName } from "@/lib/pdf/file-name";
import { patientChoiceSchema, uploadFieldsSchema } from "@/lib/validations/lab-results";
import type { UploadField, UploadResult } from "@/lib/lab-results/upload-result";
import { describeError } from "@/lib/errors";

function fieldErrorsOf(error: z.ZodError): Partial<Record<UploadField, string[]>> {
  const out: Partial<Record<UploadField, string[]>> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "") as UploadField;
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

function text(formData: FormData, name: string): string | undefined {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
}

/** Uploads one lab-result PDF: checks it, stores it and queues its send in one transaction, and answers "queued". */
export async function uploadLabResultAction(formData: FormData): Promise<UploadResult> {
  const user = await requireRole(["technician", "admin"]);
  const lab = user.currentLab;
  if (!lab)
    return { status: "error", message: "Your account is not a member of any lab. Ask an administrator to add you." };
  if (!(await isLabActive(await getDb(), lab.id)))
    return { status: "error", message: `${lab.name} is deactivated and takes no new uploads.` };

  const fields = uploadFieldsSchema.safeParse({
    accessionNumber: text(formData, "accessionNumber"),
    mode: text(formData, "mode"),
    notes: text(formData, "notes"),
    confirmDuplicate: text(formData, "confirmDuplicate"),
    patientEmail: text(formData, "patientEmail"),
    physicianEmail: text(formData, "physicianEmail"),
    flag: text(formData, "flag"),
  });
  const patient = patientChoiceSchema.safeParse({
    patientChoice: text(formData, "patientChoice"),
    patientRef: text(formData, "patientRef"),
    patientId: text(formData, "patientId"),
    givenName: text(formData, "givenName"),
    familyName: text(formData, "familyName"),
    birthDate: text(formData, "birthDate"),
    sex: text(formData, "sex"),
  });
  if (!fields.success || !patient.success) {
    return {
      status: "invalid",
      message: "Some fields need attention.",
      fieldErrors: {
        ...(fields.success ? {} : fieldErrorsOf(fields.error)),
        ...(patient.success ? {} : fieldErrorsOf(patient.error)),
      },
    };
  }

  const file = formData.get("file");
  if (!(file instanceof File)) return { status: "invalid", fieldErrors: { file: ["Choose a PDF file."] } };
  const fileName = sanitizeFileName(file.name, "lab-result.pdf", { pdfExtension: false });
  const maxMb = getEnv().MAX_UPLOAD_MB;
  if (file.size > maxMb * 1024 * 1024) {
    return { status: "invalid", fieldErrors: { file: [`${fileName} is larger than the ${maxMb} MB limit.`] } };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const pdf = checkPdf(bytes, fileName);
  if (!pdf.ok) return { status: "invalid", fieldErrors: { file: [pdf.message] } };
  const sha256 = sha256Hex(bytes);
  // Worked out once: PostgreSQL stores the bytes from it and Docus receives it.
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

  const db = await getDb();
  const { accessionNumber, mode, notes, confirmDuplicate, patientEmail, physicianEmail, flag } = fields.data;
  if (!confirmDuplicate) {
    const earlier = await findDuplicateSubmission(db, scopeOf(user), accessionNumber, sha256);
    if (earlier) {
      return {
        status: "duplicate",
        message: `${fileName} was already uploaded for accession ${accessionNumber} on ${formatDateTime(earlier.createdAt)}. Send it again?`,
        duplicateOf: { labResultId: earlier.id, submittedAt: earlier.createdAt.toISOString(), status: earlier.status },
      };
    }
  }

  let labResultId: string;
  let held: { reason: string | null } | null = null;
  try {
    const p = patient.data;
    const queued = await queueLabResult(
      {
        labId: lab.id,
        userId: user.id,
        patient:
          p.patientChoice === "existing"
            ? { kind: "existing", id: p.patientRef }
            : {
                kind: "new",
                patientId: p.patientId,
                givenName: p.givenName,
                familyName: p.familyName,
                birthDate: p.birthDate,
                sex: p.sex,
              },
        accessionNumber,
        mode,
        notes,
        patientEmail,
        physicianEmail,
        flag,
        file: { bytes, sha256, fileName, base64 },
      },
      (tx, id) =>
        recordAudit(tx, {
          action: "lab_result.upload",
          outcome: "allowed",
          userId: user.id,
          labId: lab.id,
          labResultId: id,
          details: {
            accessionNumber,
            mode,
            flag: flag ?? null,
            sizeBytes: bytes.byteLength,
            sha256,
            duplicateConfirmed: confirmDuplicate,
          },
        }),
    );
    labResultId = queued.labResultId;
    if (queued.status === "needs_confirmation") held = { reason: queued.guard.reason };
  } catch (error) {
    if (error instanceof PatientConflictError) {
      const message = patientConflictMessage(error);
      return {
        status: "invalid",
        message,
        fieldErrors: { patientId: [message] },
        existingPatient: summaryOf(error.existing),
      };
    }
    if (error instanceof PatientNotFoundError)
      return { status: "invalid", fieldErrors: { patientRef: [error.message] } };
    console.error(`[upload] could not store a lab result: ${describeError(error)}`);
    return { status: "error", message: "The lab result could not be stored. Nothing was sent; try again." };
  }

  // Stored and queued: from here on nothing is lost, and a worker is already sending it
  // (or it waits for a person's confirmation, when the wrong-patient guard held it).
  revalidatePath("/lab-results");
  revalidatePath("/");
  if (held)
    return {
      status: "success",
      labResultId,
      labResultStatus: "needs_confirmation",
      message: held.reason ?? undefined,
    };
  return { status: "success", labResultId, labResultStatus: "queued" };
}

function describePatient(p: Omit<PatientVersion, "id">): string {
  return `${p.familyName}, ${p.givenName}, born ${p.birthDate ?? "unknown"}, sex ${p.sex}`;
}

/** Both versions of the patient, so that the technician sees what differs. */
function patientConflictMessage(error: PatientConflictError): string {
  return (
    `Patient id ${error.existing.patientId} already exists in this lab as ${describePatient(error.existing)}; ` +
    `this upload says ${describePatient(error.requested)}. Nothing was stored. Choose the existing patient, or correct the patient id or details.`
  );
}

function summaryOf(p: PatientVersion) {
  return { id: p.id, patientId: p.patientId, givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate };
}
