/** What the simulator keeps of each submission and delivery: metadata and hashes, never content. */

import type { SubmissionEndpoint } from "../../lib/docus/wire.ts";

export type SimEndpoint = SubmissionEndpoint;

export type SimRequestRecord = {
  at: string;
  endpoint: SimEndpoint;
  /** null when no answer was given (the hang and drop faults, or a client that went away). */
  status: number | null;
  fault: "status" | "hang" | "drop" | null;
  message: string | null;
  headersPresent: { xApiKey: boolean; xTeamId: boolean; xAuthKey: boolean };
  patient_id: string | null;
  reference_id: string | null;
  partner_lab_id: string | null;
  dataLength: number | null;
  fileName: string | null;
  size: number | null;
  sha256: string | null;
};

export type SimDeliveryRecord = {
  at: string;
  deliveryId: string;
  patient_id: string;
  reference_id: string | null;
  partner_lab_id: string | null;
  attempt: number;
  /** 2 for the repeated copy sent by the deliverTwice fault. */
  copy: number;
  /** SHA-256 of the report PDF this delivery carried (a fingerprint, not the content). */
  pdfSha256: string;
  badSignature: boolean;
  status?: number;
  error?: string;
};

export type ValidSubmission = {
  patientId: string;
  referenceId: string | null;
  partnerLabId: string | null;
  data: string | null;
  file: { name: string; size: number; sha256: string } | null;
};
