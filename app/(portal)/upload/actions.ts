"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { isLabActive } from "@/db/queries/lab-admin";
import {
  PatientConflictError,
  PatientNotFoundError,
  createLabResultSubmission,
  findDuplicateSubmission,
  getLabResultStatesForUser,
} from "@/db/queries/lab-results";
import { recordAudit } from "@/lib/audit";
import { requireRole } from "@/lib/auth";
import { getEnv } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { enqueueSubmission } from "@/lib/jobs/boss";
import { sendLabResult } from "@/lib/lab-results/submission";
import { checkPdf, sha256Hex } from "@/lib/pdf/check";
import { sanitizeFileName } from "@/lib/pdf/response";
import { patientChoiceSchema, uploadFieldsSchema } from "@/lib/validations/lab-results";
import type { UploadField, UploadResult } from "./upload-types";
import { describeError } from "@/lib/errors";

/**
 * The durable job waits this long before its first try, so that the inline send below
 * normally wins; after a crash, the job sends within this time of the restart.
 */
const JOB_DELAY_SECONDS = 10;

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

/** Uploads one lab-result PDF: checks it, stores it durably, and tries the send at once. */
export async function uploadLabResultAction(formData: FormData): Promise<UploadResult> {
  const user = await requireRole(["technician", "admin"]);
  const lab = user.currentLab;
  if (!lab) return { status: "error", message: "Your account is not a member of any lab. Ask an administrator to add you." };
  if (!(await isLabActive(await getDb(), lab.id))) return { status: "error", message: `${lab.name} is deactivated and takes no new uploads.` };

  const fields = uploadFieldsSchema.safeParse({
    accessionNumber: text(formData, "accessionNumber"),
    mode: text(formData, "mode"),
    notes: text(formData, "notes"),
    confirmDuplicate: text(formData, "confirmDuplicate"),
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
      fieldErrors: { ...(fields.success ? {} : fieldErrorsOf(fields.error)), ...(patient.success ? {} : fieldErrorsOf(patient.error)) },
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
  const { accessionNumber, mode, notes, confirmDuplicate } = fields.data;
  if (!confirmDuplicate) {
    const earlier = await findDuplicateSubmission(db, { labId: lab.id }, accessionNumber, sha256);
    if (earlier) {
      return {
        status: "duplicate",
        message: `${fileName} was already uploaded for accession ${accessionNumber} on ${formatDateTime(earlier.createdAt)}. Send it again?`,
        duplicateOf: { labResultId: earlier.id, submittedAt: earlier.createdAt.toISOString(), status: earlier.status },
      };
    }
  }

  let labResultId: string;
  try {
    const p = patient.data;
    const created = await createLabResultSubmission(
      db,
      {
        labId: lab.id,
        userId: user.id,
        patient:
          p.patientChoice === "existing"
            ? { kind: "existing", id: p.patientRef }
            : { kind: "new", patientId: p.patientId, givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, sex: p.sex },
        accessionNumber,
        mode,
        notes,
        file: { bytes, sha256, fileName, base64 },
      },
      async (tx, id) => {
        await enqueueSubmission(tx, id, JOB_DELAY_SECONDS);
        await recordAudit(tx, {
          action: "lab_result.upload",
          outcome: "allowed",
          userId: user.id,
          labId: lab.id,
          labResultId: id,
          details: { accessionNumber, mode, sizeBytes: bytes.byteLength, sha256, duplicateConfirmed: confirmDuplicate },
        });
      },
    );
    labResultId = created.labResultId;
  } catch (error) {
    if (error instanceof PatientConflictError) return { status: "invalid", fieldErrors: { patientId: [error.message] } };
    if (error instanceof PatientNotFoundError) return { status: "invalid", fieldErrors: { patientRef: [error.message] } };
    console.error(`[upload] could not store a lab result: ${describeError(error)}`);
    return { status: "error", message: "The lab result could not be stored. Nothing was sent; try again." };
  }

  // Stored and queued: from here on nothing is lost. Try the send now so that the
  // normal case answers "accepted"; if this fails, the job retries it.
  try {
    await sendLabResult(labResultId, { preloaded: { bytes, fileName, base64 } });
  } catch (error) {
    console.error(`[upload] inline send failed, the job will retry: ${describeError(error)}`);
  }
  const [state] = await getLabResultStatesForUser(db, user.labIds, [labResultId]);
  revalidatePath("/lab-results");
  revalidatePath("/");
  const status = state?.status ?? "queued";
  const message = status === "rejected" || status === "failed" || status === "retrying" ? (state?.lastError ?? undefined) : undefined;
  return { status: "success", labResultId, labResultStatus: status, message };
}
