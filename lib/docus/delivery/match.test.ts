import { describe, expect, it } from "vitest";
import { compareMatchCandidates, isMatchCandidate, matchTier, pickReportTarget, type MatchCandidate } from "./match";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
const candidate = (id: string, fields: Partial<MatchCandidate> = {}): MatchCandidate & { id: string } => ({
  id,
  mode: "interpret",
  status: "accepted",
  acceptedAt: at(10),
  createdAt: at(0),
  ...fields,
});

describe("the delivery's match rule", () => {
  it("takes only lab results with the report's accession number and patient id; no reference matches nothing", () => {
    const labResult = { accessionNumber: "ACC-1", patientExternalId: "P-1" };
    expect(isMatchCandidate(labResult, { referenceId: "ACC-1", patientId: "P-1" })).toBe(true);
    expect(isMatchCandidate(labResult, { referenceId: "ACC-1", patientId: "P-2" })).toBe(false);
    expect(isMatchCandidate(labResult, { referenceId: "ACC-2", patientId: "P-1" })).toBe(false);
    expect(isMatchCandidate(labResult, { referenceId: null, patientId: "P-1" })).toBe(false);
  });

  it("gives a batch's reports to the accepted lab results in the order Docus accepted them", () => {
    const batch = [
      candidate("second", { acceptedAt: at(12), createdAt: at(1) }),
      candidate("first", { acceptedAt: at(11), createdAt: at(2) }),
      candidate("third", { acceptedAt: at(13), createdAt: at(0) }),
    ];
    expect(pickReportTarget(batch)?.id).toBe("first");
    expect([...batch].sort(compareMatchCandidates).map((c) => c.id)).toEqual(["first", "second", "third"]);
  });

  it("with none waiting, gives the report to the newest lab result sent to interpret (a new version)", () => {
    const done = [
      candidate("old", { status: "report_ready", createdAt: at(1) }),
      candidate("new", { status: "report_ready", createdAt: at(5) }),
      candidate("stored-only", { mode: "store_only", status: "accepted", createdAt: at(9) }),
    ];
    expect(pickReportTarget(done)?.id).toBe("new");
  });

  it("prefers one waiting for its report over a newer one in another state", () => {
    expect(
      pickReportTarget([
        candidate("failed-newer", { status: "failed", acceptedAt: null, createdAt: at(9) }),
        candidate("waiting", { createdAt: at(1) }),
      ])?.id,
    ).toBe("waiting");
  });

  it("gives a report to a store-only lab result only when nothing else can take it: first accepted, else newest", () => {
    expect(
      pickReportTarget([
        candidate("older", { mode: "store_only", status: "failed", acceptedAt: null, createdAt: at(1) }),
        candidate("newer", { mode: "store_only", status: "failed", acceptedAt: null, createdAt: at(2) }),
      ])?.id,
    ).toBe("newer");
    expect(
      pickReportTarget([
        candidate("newer-failed", { mode: "store_only", status: "failed", acceptedAt: null, createdAt: at(2) }),
        candidate("accepted", { mode: "store_only", acceptedAt: at(20), createdAt: at(1) }),
      ])?.id,
    ).toBe("accepted");
    expect(matchTier(candidate("x", { mode: "store_only" }))).toBe(2);
  });

  it("puts an accepted lab result without its acceptance time after the timed ones", () => {
    expect(
      pickReportTarget([candidate("untimed", { acceptedAt: null }), candidate("timed", { acceptedAt: at(30) })])?.id,
    ).toBe("timed");
  });

  it("has no target among no candidates", () => {
    expect(pickReportTarget([])).toBeUndefined();
  });
});
