import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";

/**
 * The two timed paths. Each starts by reading the file from disk and ends when the whole
 * answer has arrived, and each throws when the upload was not stored and queued.
 */

export type Upload = { filePath: string; accession: string; patientId: string };

/**
 * The one person every upload of a benchmark names, in the page and in its own requests
 * alike: a patient id given twice with two names is refused (the patient-conflict check).
 */
export const benchPerson = {
  givenName: "Bench",
  familyName: "Upload",
  birthDate: "1980-01-01",
  sex: "female",
} as const;

/** The upload form's fields for a new patient, as both paths send them. */
export function uploadFields(upload: Upload): Record<string, string> {
  return {
    patientId: upload.patientId,
    ...benchPerson,
    accessionNumber: upload.accession,
    mode: "interpret",
  };
}

export type PortalTarget = { baseUrl: string; cookieHeader: string };

/** The portal: the upload page's request to the upload route (POST /api/uploads), with its session. */
export async function portalUpload(target: PortalTarget, upload: Upload): Promise<number> {
  const started = performance.now();
  const bytes = await readFile(upload.filePath);
  const form = new FormData();
  for (const [key, value] of Object.entries({ patientChoice: "new", ...uploadFields(upload) })) form.append(key, value);
  form.append("file", new Blob([bytes], { type: "application/pdf" }), path.basename(upload.filePath));
  const response = await fetch(`${target.baseUrl}/api/uploads`, {
    method: "POST",
    headers: {
      accept: "application/json",
      cookie: target.cookieHeader,
      origin: target.baseUrl,
    },
    body: form,
    redirect: "manual",
  });
  const text = await response.text();
  const elapsed = performance.now() - started;
  // The upload answers once the file is stored and queued; a worker sends it.
  if (response.status !== 201 || !/"labResultStatus":"queued"/.test(text)) {
    throw new Error(
      `The portal did not answer "queued" for accession ${upload.accession} (HTTP ${response.status}): ${text.slice(0, 600)}`,
    );
  }
  return elapsed;
}

/**
 * The baseline: the same multipart fields and file posted to the bare node:http server
 * (scripts/bench/upload-baseline.ts), which parses, stores and enqueues as the action does.
 */
export async function baselineUpload(baselineUrl: string, upload: Upload): Promise<number> {
  const started = performance.now();
  const bytes = await readFile(upload.filePath);
  const form = new FormData();
  for (const [key, value] of Object.entries(uploadFields(upload))) form.append(key, value);
  form.append("file", new Blob([bytes], { type: "application/pdf" }), path.basename(upload.filePath));
  const response = await fetch(`${baselineUrl}/upload`, { method: "POST", body: form, redirect: "manual" });
  const text = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200 || !/"status":"queued"/.test(text)) {
    throw new Error(
      `The baseline did not answer "queued" for accession ${upload.accession} (HTTP ${response.status}): ${text.slice(0, 600)}`,
    );
  }
  return elapsed;
}
