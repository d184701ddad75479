import type { LabResultMode, LabResultStatus } from "@/lib/domain";

/**
 * Which lab result a delivered report belongs to (docs/docus-contract.md, section 2): the
 * rule, as a pure function. The query that carries it out, with row locks, is findTarget
 * in db/queries/system/deliveries.ts; its integration test checks that both pick alike.
 *
 * Candidates: the lab results of the report's lab with its accession number
 * (`reference_id`) and patient id. A report without a reference matches nothing. Several
 * files of one batch share both (the wire carries nothing else to tell them apart), so:
 *
 * 1. a lab result sent to interpret and accepted, waiting for its report: the one Docus
 *    accepted first (reports of a batch come back in about that order);
 * 2. else one sent to interpret in any other state (its report is a new version): the
 *    newest upload;
 * 3. else a "store only" one, which Docus does not interpret, takes the report only when
 *    nothing else can: the one Docus accepted first, else the newest upload.
 */

export type MatchCandidate = {
  mode: LabResultMode;
  status: LabResultStatus;
  acceptedAt: Date | null;
  createdAt: Date;
};

export type ReportKeys = { referenceId: string | null; patientId: string };

/** Whether a lab result of the report's lab is a candidate for the report at all. */
export function isMatchCandidate(
  labResult: { accessionNumber: string; patientExternalId: string },
  report: ReportKeys,
): boolean {
  return (
    report.referenceId !== null &&
    labResult.accessionNumber === report.referenceId &&
    labResult.patientExternalId === report.patientId
  );
}

/** 0: waiting for its report; 1: sent to interpret, another state; 2: store only. */
export function matchTier(candidate: MatchCandidate): 0 | 1 | 2 {
  if (candidate.mode !== "interpret") return 2;
  return candidate.status === "accepted" ? 0 : 1;
}

/**
 * Sorts candidates best first (a comparator for Array.prototype.sort): by tier; within a
 * tier, an accepted one by its acceptance, first accepted first (one without the time
 * after the timed ones), before the others; then the newest upload first.
 */
export function compareMatchCandidates(a: MatchCandidate, b: MatchCandidate): number {
  const tier = matchTier(a) - matchTier(b);
  if (tier !== 0) return tier;
  const acceptedTime = (c: MatchCandidate) =>
    c.status === "accepted" ? (c.acceptedAt?.getTime() ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  const aAt = acceptedTime(a);
  const bAt = acceptedTime(b);
  if (aAt !== bAt) return aAt < bAt ? -1 : 1;
  return b.createdAt.getTime() - a.createdAt.getTime();
}

/** The lab result the report goes to among its candidates, or undefined (stored unmatched). */
export function pickReportTarget<T extends MatchCandidate>(candidates: readonly T[]): T | undefined {
  return [...candidates].sort(compareMatchCandidates)[0];
}
