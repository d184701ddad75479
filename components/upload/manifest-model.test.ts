import { describe, expect, it } from "vitest";
import { checkManifest, parseManifestCsv, type ManifestCheckResult } from "@/lib/manifest";
import { mergeChecks } from "./manifest-model";
import { groupByPatient } from "./manifest-send";
import { isMoving, statusLabel } from "./manifest-status";

const csv = [
  "file_name,patient_id,given_name,family_name,birth_date,sex,accession_number",
  "a.pdf,P-1,Ada,Lovelace,1980-12-10,female,ACC-1",
  "b.pdf,P-2,Alan,Turing,1954-06-07,male,ACC-2",
  "c.pdf,P-1,Ada,Lovelace,1980-12-10,female,ACC-1",
].join("\n");

describe("mergeChecks", () => {
  const client = checkManifest(
    parseManifestCsv(csv),
    [
      { name: "a.pdf", size: 10, sha256: "a" },
      { name: "b.pdf", size: 10, sha256: "b", problem: { code: "encrypted", message: "b.pdf is encrypted." } },
      { name: "c.pdf", size: 10, sha256: "c" },
    ],
    { defaultMode: "interpret" },
  );

  it("keeps the server's problems, adds the byte problems only the browser saw, and sends only rows both found ready", () => {
    const server: ManifestCheckResult = {
      status: "success",
      problems: [
        {
          code: "already_uploaded",
          line: 4,
          column: "fileName",
          fileName: "c.pdf",
          message: "c.pdf was already uploaded.",
        },
      ],
      readyLines: [2, 3],
      patientCount: 2,
    };
    const view = mergeChecks(client, server);
    expect(view.problems.map((p) => [p.line, p.code])).toEqual([
      [3, "encrypted"],
      [4, "already_uploaded"],
    ]);
    expect(view.ready.map((r) => r.line)).toEqual([2]);
    expect(view.patientCount).toBe(1);
    expect(view.server).toBe("done");
  });

  it("sends nothing when the server could not check", () => {
    const view = mergeChecks(client, { status: "error", message: "The server could not check." });
    expect(view.ready).toEqual([]);
    expect(view.server).toEqual({ error: "The server could not check." });
  });
});

describe("statusLabel", () => {
  it("names the known statuses, and any other status the server returns by its own name", () => {
    expect(statusLabel("report_ready")).toEqual({ label: "Report ready", tone: "success" });
    expect(statusLabel("needs_confirmation")).toEqual({ label: "Needs confirmation", tone: "warning" });
    expect(isMoving("queued", false)).toBe(true);
    expect(isMoving("accepted", true)).toBe(true);
    expect(isMoving("accepted", false)).toBe(false);
    expect(isMoving("needs_confirmation", true)).toBe(false);
    expect(isMoving("retrying", false)).toBe(true);
    expect(isMoving("failed", true)).toBe(false);
    expect(isMoving("report_ready", true)).toBe(false);
  });
});

describe("groupByPatient", () => {
  it("groups rows by patient id in the manifest's order", () => {
    const rows = checkManifest(
      parseManifestCsv(csv),
      ["a.pdf", "b.pdf", "c.pdf"].map((name) => ({ name, size: 1 })),
      {
        defaultMode: "interpret",
      },
    ).ready;
    expect(groupByPatient(rows).map((g) => [g.patientId, g.rows.map((r) => r.line)])).toEqual([
      ["P-1", [2, 4]],
      ["P-2", [3]],
    ]);
  });
});
