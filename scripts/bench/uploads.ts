import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { buildSubmissionBody, submissionUrl, type DocusCredentials } from "@/lib/docus/client";

/**
 * The two timed paths. Each starts by reading the file from disk and ends when the whole
 * answer has arrived, and each throws when the upload was not stored (portal) or not
 * accepted (baseline).
 */

export type Upload = { filePath: string; accession: string; patientId: string };

export type PortalTarget = { baseUrl: string; actionId: string; cookieHeader: string };

/**
 * The portal: the upload server action called over HTTP the way React calls it, with the
 * FormData argument as multipart fields prefixed "_1_" followed by the root "0".
 */
export async function portalUpload(target: PortalTarget, upload: Upload): Promise<number> {
  const started = performance.now();
  const bytes = await readFile(upload.filePath);
  const fields = {
    patientChoice: "new",
    patientId: upload.patientId,
    givenName: "Bench",
    familyName: "Upload",
    birthDate: "1980-01-01",
    sex: "female",
    accessionNumber: upload.accession,
    mode: "interpret",
  };
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(`_1_${key}`, value);
  form.append("_1_file", new Blob([bytes], { type: "application/pdf" }), path.basename(upload.filePath));
  form.append("0", '["$K1"]');
  const response = await fetch(`${target.baseUrl}/upload`, {
    method: "POST",
    headers: {
      "next-action": target.actionId,
      accept: "text/x-component",
      cookie: target.cookieHeader,
      origin: target.baseUrl,
    },
    body: form,
    redirect: "manual",
  });
  const text = await response.text();
  const elapsed = performance.now() - started;
  // The upload answers once the file is stored and queued; a worker sends it.
  if (response.status !== 200 || !/"labResultStatus":"(queued|accepted)"/.test(text)) {
    // The action's result is one row of the RSC payload; the rest is the re-rendered page.
    const result = text.match(/\{"status":"[a-z]+".*$/m)?.[0] ?? text.slice(0, 600);
    throw new Error(`The portal did not answer "queued" for accession ${upload.accession} (HTTP ${response.status}): ${result}`);
  }
  return elapsed;
}

/**
 * The baseline: what a plain Node script needs to send the same file to Docus, i.e. the
 * portal's own send without the portal (same body fields, headers and endpoint).
 */
export async function baselineUpload(credentials: DocusCredentials, partnerLabId: string, upload: Upload): Promise<number> {
  const started = performance.now();
  const bytes = await readFile(upload.filePath);
  const body = buildSubmissionBody({
    mode: "interpret",
    patientId: upload.patientId,
    referenceId: upload.accession,
    partnerLabId,
    file: { bytes, fileName: path.basename(upload.filePath), mimeType: "application/pdf" },
  });
  const response = await fetch(submissionUrl(credentials.apiUrl, "interpret"), {
    method: "POST",
    headers: {
      "x-api-key": credentials.apiKey,
      "x-team-id": credentials.teamId,
      "x-auth-key": credentials.authKey,
      "content-type": "application/json",
      accept: "application/json",
    },
    body: JSON.stringify(body),
    redirect: "manual",
  });
  const text = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 201) {
    throw new Error(`The simulator refused the baseline upload for accession ${upload.accession} (HTTP ${response.status}): ${text}`);
  }
  return elapsed;
}
