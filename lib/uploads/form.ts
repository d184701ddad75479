import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import busboy from "busboy";
import type { z } from "zod";
import { sanitizeFileName } from "@/lib/pdf/file-name";
import type { UploadField, UploadResult } from "@/lib/lab-results/upload-result";
import { patientChoiceSchema, uploadFieldsSchema } from "@/lib/validations/lab-results";
import type { UploadOutcome, UploadRequest } from "./upload";

/**
 * The upload form's multipart body (the fields of the upload page, and one PDF) read and
 * checked with zod at the boundary, and the upload service's outcome as the form's answer.
 */

/**
 * A multipart body as read: each field's values in the order sent, and the one file, its
 * bytes in ONE buffer (or `tooLarge` when it went past the limit: its bytes are dropped).
 */
export type UploadForm = {
  fields: ReadonlyMap<string, readonly string[]>;
  file: { name: string; bytes: Uint8Array; tooLarge: boolean } | null;
  /** More than one file was sent. */
  extraFiles: boolean;
};

const UNREADABLE: UploadResult = { status: "invalid", message: "The upload could not be read. Try again." };

/**
 * Reads the multipart body as it streams in (busboy): the file's bytes go straight into one
 * buffer allocated once, as large as the body may be (`contentLength`, checked by the caller
 * against the limit), never the body buffered whole and copied again as the Fetch API's
 * formData() and File.arrayBuffer() do (three or four copies of the file at once).
 * A body that is not multipart (or url-encoded), is cut short, or breaks the framing is
 * "could not be read"; a file past `maxUploadMb` is kept as `tooLarge` for parseUploadForm
 * to refuse with its name.
 */
export async function readUploadForm(
  body: ReadableStream<Uint8Array> | null,
  headers: { contentType: string | null; contentLength: number },
  maxUploadMb: number,
): Promise<{ ok: true; form: UploadForm } | { ok: false; answer: UploadResult }> {
  const maxBytes = maxUploadMb * 1024 * 1024;
  if (!body || !headers.contentType) return { ok: false, answer: UNREADABLE };
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": headers.contentType },
      // Browsers send a file's name as UTF-8 bytes (as the Fetch API's formData() read it).
      defParamCharset: "utf8",
      // One file; a second one is noted, its bytes are dropped.
      limits: { files: 1, fileSize: maxBytes, fields: 50, fieldSize: 64 * 1024 },
    });
  } catch {
    // Not multipart or url-encoded, or no boundary.
    return { ok: false, answer: UNREADABLE };
  }
  const fields = new Map<string, string[]>();
  const form: UploadForm = { fields, file: null, extraFiles: false };
  parser.on("field", (name, value) => {
    const values = fields.get(name);
    if (values) values.push(value);
    else fields.set(name, [value]);
  });
  parser.on("file", (_name, stream, info) => {
    // The file is no larger than the body that carries it (nor the limit): one buffer, its
    // pages touched only as the bytes arrive, and a view of the part written handed on.
    const buffer = Buffer.allocUnsafeSlow(Math.max(0, Math.min(headers.contentLength, maxBytes)));
    const file = { name: info.filename ?? "", bytes: buffer.subarray(0, 0), tooLarge: false };
    let length = 0;
    form.file = file;
    stream.on("data", (chunk: Buffer) => {
      if (file.tooLarge) return;
      if (length + chunk.byteLength > buffer.byteLength) {
        file.tooLarge = true;
        return;
      }
      chunk.copy(buffer, length);
      length += chunk.byteLength;
    });
    // A body cut short fails the file's stream too; the parser's failure answers for both
    // (an error left unheard would end the process).
    stream.on("error", () => {});
    stream.on("limit", () => {
      file.tooLarge = true;
    });
    stream.on("end", () => {
      file.bytes = file.tooLarge ? buffer.subarray(0, 0) : buffer.subarray(0, length);
    });
  });
  parser.on("filesLimit", () => {
    form.extraFiles = true;
  });
  try {
    await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), parser);
  } catch {
    // Cut short, or framing busboy cannot read ("Unexpected end of form").
    return { ok: false, answer: UNREADABLE };
  }
  return { ok: true, form };
}

function fieldErrorsOf(error: z.ZodError): Partial<Record<UploadField, string[]>> {
  const out: Partial<Record<UploadField, string[]>> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "") as UploadField;
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** A field's first value, as FormData.get gives it (a repeated field's later values are ignored). */
function text(form: UploadForm, name: string): string | undefined {
  return form.fields.get(name)?.[0];
}

/**
 * The request the form describes, or the form's answer when a field or the file is wrong.
 */
export function parseUploadForm(
  form: UploadForm,
  maxUploadMb: number,
):
  | { ok: true; file: { name: string; bytes: Uint8Array }; request: Omit<UploadRequest, "file"> }
  | { ok: false; answer: UploadResult } {
  const fields = uploadFieldsSchema.safeParse({
    accessionNumber: text(form, "accessionNumber"),
    mode: text(form, "mode"),
    notes: text(form, "notes"),
    confirmDuplicate: text(form, "confirmDuplicate"),
    patientEmail: text(form, "patientEmail"),
    physicianEmail: text(form, "physicianEmail"),
    flag: text(form, "flag"),
  });
  const patient = patientChoiceSchema.safeParse({
    patientChoice: text(form, "patientChoice"),
    patientRef: text(form, "patientRef"),
    patientId: text(form, "patientId"),
    givenName: text(form, "givenName"),
    familyName: text(form, "familyName"),
    birthDate: text(form, "birthDate"),
    sex: text(form, "sex"),
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
  const { file } = form;
  if (!file) return { ok: false, answer: { status: "invalid", fieldErrors: { file: ["Choose a PDF file."] } } };
  if (form.extraFiles)
    return {
      ok: false,
      answer: {
        status: "invalid",
        fieldErrors: { file: ["Send one PDF per upload: this upload carried several files."] },
      },
    };
  const fileName = sanitizeFileName(file.name, "lab-result.pdf", { pdfExtension: false });
  // The service says the same of the bytes; these were dropped as they went past the limit.
  if (file.tooLarge)
    return {
      ok: false,
      answer: { status: "invalid", fieldErrors: { file: [`${fileName} is larger than the ${maxUploadMb} MB limit.`] } },
    };
  const p = patient.data;
  return {
    ok: true,
    file: { name: fileName, bytes: file.bytes },
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
