import type { ManifestProblem } from "./problems";

/** What the server's check of a manifest answers. */
export type ManifestCheckResult =
  | { status: "success"; problems: ManifestProblem[]; readyLines: number[]; patientCount: number }
  | { status: "invalid" | "error"; message: string };

/**
 * What the server answers for one file of a batch. `labResultStatus` is any status the
 * server uses ("needs_confirmation": stored but held by the wrong-patient guard, with why
 * in `message`).
 */
export type ManifestFileResult =
  | { status: "success"; labResultId: string; labResultStatus: string; patientRef: string; message?: string }
  | { status: "refused" | "error"; message: string };
