import { sha256Hex } from "@/lib/crypto";

/**
 * The key that makes a repeated delivery store once: the webhook id when Docus sent one
 * (Standard Webhooks keeps it across retries) together with the PDF's SHA-256, else a
 * hash of what identifies the report. Without a webhook secret the id is not signed, so
 * it alone must never decide: a different report that reuses an id is a new report.
 */
export function deliveryIdempotencyKey(input: {
  webhookId: string | null;
  labKey: string;
  referenceId: string | null;
  patientId: string;
  sha256: string;
}): string {
  if (input.webhookId) return `wh:${input.webhookId}:${input.sha256}`;
  const canonical = JSON.stringify([input.labKey, input.referenceId, input.patientId, input.sha256]);
  return `h:${sha256Hex(canonical)}`;
}
