import "server-only";
import type { z } from "zod";
import { sanitizeFileName } from "@/lib/pdf/file-name";
import type { UploadField, UploadResult } from "@/lib/lab-results/upload-result";
import { patientChoiceSchema, uploadFieldsSchema } from "@/lib/validations/lab-results";
import type { UploadOutcome, UploadRequest } from "./upload";

/**
 * The upload form's multipart body (the fields of the upload page, and one PDF) read and
 * checked with zod at the boundary, and the upload service's outcome as the form's answer.
 */

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

/**
 * The request the form describes, its file not read yet (its size is checked first), or
 * the form's answer when a field is wrong.
 */
export function parseUploadForm(
  formData: FormData,
  maxUploadMb: number,
):
  | { ok: true; file: File; fileName: string; request: Omit<UploadRequest, "file"> }
  | { ok: false; answer: UploadResult } {
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
      ok: false,
      answer: {
        status: "invalid",
        message: "Some fields need attention.",
        fieldErrors: {
          ...(fields.success ? {} : fieldErrorsOf(fields.error)),
          ...(patient.success ? {} : fieldErrorsOf(patient.error)),
        },
      },
    };
  }
  const file = formData.get("file");
  if (!(file instanceof File))
    return { ok: false, answer: { status: "invalid", fieldErrors: { file: ["Choose a PDF file."] } } };
  const fileName = sanitizeFileName(file.name, "lab-result.pdf", { pdfExtension: false });
  // Refused before its bytes are read: the service says the same of the bytes.
  if (file.size > maxUploadMb * 1024 * 1024)
    return {
      ok: false,
      answer: { status: "invalid", fieldErrors: { file: [`${fileName} is larger than the ${maxUploadMb} MB limit.`] } },
    };
  const p = patient.data;
  return {
    ok: true,
    file,
    fileName,
    request: {
      ...fields.data,
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
    },
  };
}

/** The service's outcome as the upload form's answer. */
export function uploadResultOf(outcome: UploadOutcome): UploadResult {
  switch (outcome.kind) {
    case "queued":
      return { status: "success", labResultId: outcome.labResultId, labResultStatus: "queued" };
    case "held":
      return {
        status: "success",
        labResultId: outcome.labResultId,
        labResultStatus: "needs_confirmation",
        message: outcome.reason,
      };
    case "duplicate":
      return { status: "duplicate", message: `${outcome.message} Send it again?`, duplicateOf: outcome.earlier };
    case "refused":
      if (!outcome.field) return { status: "error", message: outcome.message };
      return {
        status: "invalid",
        message: outcome.field === "patientId" ? outcome.message : undefined,
        fieldErrors: { [outcome.field]: [outcome.message] },
        existingPatient: outcome.existingPatient,
      };
    case "error":
      return { status: "error", message: outcome.message };
  }
}
