import { describe, expect, it } from "vitest";
import { parseManifestCsv } from "./parse";
import { countOutcomes, manifestSummaryCsv, storedOutcome, type RowOutcome } from "./summary";

const header = "file_name,patient_id,given_name,family_name,birth_date,sex,accession_number,mode,notes,patient_email";

describe("a manifest's summary", () => {
  it("says held, not sent, for a file the wrong-patient guard holds, in the counts and in the CSV", () => {
    const parsed = parseManifestCsv(
      `${header}\na.pdf,P1,Ada,Lovelace,1915-12-10,female,ACC1,,,\nb.pdf,P1,Ada,Lovelace,1915-12-10,female,ACC1,,,\n`,
    );
    const [a, b] = parsed.rows;
    const outcomes = new Map<number, RowOutcome>([
      [a!.line, storedOutcome("id-a", "queued", undefined)],
      [b!.line, storedOutcome("id-b", "needs_confirmation", "The PDF does not name the patient.")],
    ]);
    expect(countOutcomes(outcomes.values())).toEqual({ sent: 1, held: 1, refused: 0, dropped: 0, notSent: 0 });
    const lines = manifestSummaryCsv(parsed.rows, outcomes).trim().split(/\r?\n/);
    expect(lines[1]).toMatch(/,"sent","queued","id-a",""$/);
    expect(lines[2]).toMatch(/,"held","needs_confirmation","id-b","The PDF does not name the patient\."$/);
  });

  it("a held file that was confirmed since is sent", () => {
    expect(storedOutcome("x", "queued", "held once")).toEqual({ outcome: "sent", labResultId: "x", status: "queued" });
    expect(storedOutcome("x", "needs_confirmation", undefined)).toMatchObject({ outcome: "held" });
  });
});
