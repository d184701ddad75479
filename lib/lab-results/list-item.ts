import type { LabResultMode, LabResultStatus } from "@/lib/domain";

/** A lab results list row as it crosses to the browser (dates as ISO strings). */
export type LabResultListItem = {
  id: string;
  accessionNumber: string;
  mode: LabResultMode;
  status: LabResultStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  fileName: string;
  patientName: string;
  patientExternalId: string;
};
