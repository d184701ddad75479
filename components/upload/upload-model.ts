import type { UploadResult } from "@/lib/lab-results/upload-result";
import type { LabResultStatus } from "@/lib/domain";

/** A patient as the search answers it. */
export type PatientSummary = {
  id: string;
  patientId: string;
  givenName: string;
  familyName: string;
  birthDate: string | null;
};

/** Where one chosen file stands, from the browser check to the server's answer. */
export type RowState =
  | { phase: "checking" }
  | { phase: "ready" }
  | { phase: "refused"; problem: string }
  | { phase: "waiting" }
  | { phase: "uploading" }
  | {
      phase: "error";
      message: string;
      details: string[];
      /** False when the file itself was refused by the server. */ retryable: boolean;
    }
  | { phase: "duplicate"; message: string; duplicateOf: Extract<UploadResult, { status: "duplicate" }>["duplicateOf"] }
  | { phase: "skipped" }
  | { phase: "sent"; labResultId: string; status: LabResultStatus; message?: string };

export type RowPhase = RowState["phase"];

export type FileRow = { key: string; file: File; state: RowState };

/** The latest known state of a lab result, as the status endpoint answers it. */
export type LiveLabResult = {
  id: string;
  status: LabResultStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  /** When a queued one is expected to go (the queue ahead and the rate limit). */
  expectedAt?: string | null;
};

/** "about 4 min" for a time some minutes away; null when it is about now. */
export function expectedWait(expectedAt: string | null | undefined, now = Date.now()): string | null {
  if (!expectedAt) return null;
  const ms = new Date(expectedAt).getTime() - now;
  if (!Number.isFinite(ms) || ms < 45_000) return null;
  const minutes = Math.round(ms / 60_000);
  return minutes < 1 ? "less than a minute" : minutes === 1 ? "about 1 min" : `about ${minutes} min`;
}

export function uploadFailedMessage(maxUploadMb: number): string {
  return `The upload failed: the file may be larger than the ${maxUploadMb} MB limit, or the connection was lost. Nothing was sent to Docus.`;
}
