import { describe, expect, it } from "vitest";
import { checkManifest, type ManifestFacts, type ManifestFile } from "./check";
import { parseManifestCsv } from "./parse";
import { dateProblem } from "./rows";

const header = "file_name,patient_id,given_name,family_name,birth_date,sex,accession_number,mode,notes,patient_email";
const ada = "P-1,Ada,Lovelace,1980-12-10,female";
const file = (name: string, extra: Partial<ManifestFile> = {}): ManifestFile => ({
  name,
  size: 1000,
  sha256: name,
  ...extra,
});

function check(lines: string[], files: ManifestFile[], facts?: ManifestFacts) {
  return checkManifest(parseManifestCsv([header, ...lines].join("\n")), files, { defaultMode: "interpret", facts });
}

function problemsOf(result: ReturnType<typeof check>) {
  return result.problems.map((p) => ({ line: p.line, column: p.column, code: p.code, message: p.message }));
}

describe("checkManifest", () => {
  it("a clean manifest is ready: every row, and the number of patients", () => {
    const result = check(
      [
        `a.pdf,${ada},ACC-1,interpret,,ada@example.org`,
        `b.pdf,${ada},ACC-1,store only,,`,
        "c.pdf,P-2,Alan,Turing,1954-06-07,m,ACC-2,,Fasting,",
      ],
      [file("a.pdf"), file("b.pdf"), file("C.PDF")],
    );
    expect(result.problems).toEqual([]);
    expect(result.ready).toHaveLength(3);
    expect(result.patientCount).toBe(2);
    expect(result.ready[1]).toMatchObject({ mode: "store_only", sex: "female" });
    // An empty mode is the lab's default; sex and mode are read with their aliases.
    expect(result.ready[2]).toMatchObject({ mode: "interpret", sex: "male", notes: "Fasting" });
    expect(result.ready[0]!.patientEmail).toBe("ada@example.org");
    expect("patientEmail" in result.ready[1]!).toBe(false);
  });

  it("lists every problem of every row at once, by row and column, in words", () => {
    const result = check(
      [
        "a.pdf,P-1,Ada,Lovelace,31/12/1980,female,ACC 1,sometimes,,not-an-address",
        "b.pdf,,Ada,Lovelace,1980-02-30,unsure,ACC-2,,,",
        "c.txt,P-3,Ada,Lovelace,2999-01-01,female,ACC-3,,,",
      ],
      [file("a.pdf"), file("b.pdf"), file("c.txt")],
    );
    expect(problemsOf(result)).toEqual([
      {
        line: 2,
        column: "accessionNumber",
        code: "bad_accession",
        message: "Use only letters, digits, '.', '_' and '-' in the accession number. This row says “ACC 1”.",
      },
      {
        line: 2,
        column: "birthDate",
        code: "bad_date",
        message:
          "“31/12/1980” is not a date written as YYYY-MM-DD (e.g. 1980-12-31). Write the birth date as YYYY-MM-DD.",
      },
      {
        line: 2,
        column: "mode",
        code: "bad_mode",
        message: "“sometimes” is not a mode. Write “interpret” or “store only”.",
      },
      {
        line: 2,
        column: "patientEmail",
        code: "bad_email",
        message: "“not-an-address” is not an e-mail address. Correct it, or leave the patient e-mail empty.",
      },
      { line: 3, column: "patientId", code: "value_missing", message: "The patient id is empty." },
      {
        line: 3,
        column: "birthDate",
        code: "bad_date",
        message:
          "“1980-02-30” is not a date in the calendar (check the month and the day). Write the birth date as YYYY-MM-DD.",
      },
      {
        line: 3,
        column: "sex",
        code: "bad_sex",
        message: "“unsure” is not a sex the portal knows. Write female, male, other or unknown.",
      },
      {
        line: 4,
        column: "fileName",
        code: "bad_file_name",
        message: "“c.txt” does not end in .pdf; name the PDF file exactly as it is called.",
      },
      {
        line: 4,
        column: "birthDate",
        code: "bad_date",
        message: "“2999-01-01” is not a birth date between 1900 and today. Write the birth date as YYYY-MM-DD.",
      },
    ]);
    expect(result.ready).toEqual([]);
    expect(result.linesWithProblems).toEqual([2, 3, 4]);
  });

  it("a file named but not dropped, a dropped file no row names, and a file named twice", () => {
    const result = check(
      [`a.pdf,${ada},ACC-1,,,`, `missing.pdf,${ada},ACC-1,,,`, `scans/a.pdf,${ada},ACC-2,,,`],
      [file("a.pdf"), file("extra.pdf")],
    );
    expect(problemsOf(result)).toEqual([
      {
        line: 3,
        column: "fileName",
        code: "file_missing",
        message:
          "missing.pdf is named in the manifest but is not among the dropped files. Add the file, or drop this row.",
      },
      {
        line: 4,
        column: "fileName",
        code: "file_named_twice",
        message: "a.pdf is also named in row 2. Each file goes with one row.",
      },
      {
        line: null,
        column: null,
        code: "file_unlisted",
        message: "extra.pdf was dropped, but no row of the manifest names it. Add a row for it, or remove the file.",
      },
    ]);
    // A dropped file no row names holds back nothing else: row 2 can go.
    expect(result.ready.map((r) => r.line)).toEqual([2]);
  });

  it("the byte checks of each file: not a PDF, encrypted, too large, empty, incomplete", () => {
    const problem = (code: "not_pdf" | "encrypted" | "too_large" | "empty" | "truncated", message: string) => ({
      code,
      message,
    });
    const result = check(
      [`a.pdf,${ada},ACC-1,,,`, `b.pdf,${ada},ACC-1,,,`, `c.pdf,${ada},ACC-1,,,`],
      [
        file("a.pdf", { problem: problem("not_pdf", "a.pdf is not a PDF (its content is not a PDF document).") }),
        file("b.pdf", {
          problem: problem(
            "encrypted",
            "b.pdf is password-protected or encrypted. Save an unprotected copy and upload that.",
          ),
        }),
        file("c.pdf", { problem: problem("too_large", "c.pdf is larger than the 20 MB limit.") }),
      ],
    );
    expect(problemsOf(result)).toEqual([
      {
        line: 2,
        column: "fileName",
        code: "not_pdf",
        message: "a.pdf is not a PDF (its content is not a PDF document).",
      },
      {
        line: 3,
        column: "fileName",
        code: "encrypted",
        message: "b.pdf is password-protected or encrypted. Save an unprotected copy and upload that.",
      },
      { line: 4, column: "fileName", code: "too_large", message: "c.pdf is larger than the 20 MB limit." },
    ]);
  });

  it("two rows that disagree about one patient: the later row, with both versions", () => {
    const result = check(
      [`a.pdf,${ada},ACC-1,,,`, "b.pdf,P-1,Ada,Lovelace,1981-12-10,female,ACC-1,,,", `c.pdf,${ada},ACC-2,,,`],
      [file("a.pdf"), file("b.pdf"), file("c.pdf")],
    );
    expect(problemsOf(result)).toEqual([
      {
        line: 3,
        column: "birthDate",
        code: "patient_rows_disagree",
        message:
          "Row 2 says patient P-1 is Lovelace, Ada, born 1980-12-10, sex female; this row says Lovelace, Ada, born 1981-12-10, sex female. Every row of one patient id must give the same details.",
      },
    ]);
    expect(result.ready.map((r) => r.line)).toEqual([2, 4]);
    expect(result.patientCount).toBe(1);
  });

  it("names that differ only in case and spaces are the same patient", () => {
    const result = check(
      [`a.pdf,${ada},ACC-1,,,`, "b.pdf,P-1, ADA ,lovelace,1980-12-10,f,ACC-1,,,"],
      [file("a.pdf"), file("b.pdf")],
    );
    expect(result.problems).toEqual([]);
  });

  it("the same content twice for one accession in the batch", () => {
    const result = check(
      [`a.pdf,${ada},ACC-1,,,`, `copy.pdf,${ada},ACC-1,,,`, `other.pdf,${ada},ACC-2,,,`],
      [file("a.pdf", { sha256: "x" }), file("copy.pdf", { sha256: "x" }), file("other.pdf", { sha256: "x" })],
    );
    expect(problemsOf(result)).toEqual([
      {
        line: 3,
        column: "fileName",
        code: "same_content_twice",
        message:
          "copy.pdf has the same content as a.pdf in row 2, for the same accession ACC-1. Send it once: drop one of the two rows.",
      },
    ]);
  });

  it("with the lab's facts: a patient id that exists with other details (both shown), and files already uploaded", () => {
    const facts: ManifestFacts = {
      existingPatients: [
        { patientId: "P-1", givenName: "Ada", familyName: "Byron", birthDate: "1980-12-10", sex: "female" },
      ],
      earlierUploads: [
        {
          accessionNumber: "ACC-7",
          fileName: "old-name.pdf",
          sha256: "same-bytes",
          createdAt: "2026-11-02T09:14:00.000Z",
        },
        { accessionNumber: "ACC-7", fileName: "b.pdf", sha256: "other-bytes", createdAt: "2026-11-03T10:00:00.000Z" },
        { accessionNumber: "ACC-8", fileName: "c.pdf", sha256: "c", createdAt: "2026-11-03T10:00:00.000Z" },
      ],
    };
    const result = check(
      [
        `a.pdf,${ada},ACC-1,,,`,
        "x.pdf,P-2,Alan,Turing,1954-06-07,male,ACC-7,,,",
        "b.pdf,P-2,Alan,Turing,1954-06-07,male,ACC-7,,,",
        "c.pdf,P-2,Alan,Turing,1954-06-07,male,ACC-9,,,",
      ],
      [file("a.pdf"), file("x.pdf", { sha256: "same-bytes" }), file("b.pdf", { sha256: "new" }), file("c.pdf")],
      facts,
    );
    expect(problemsOf(result)).toEqual([
      {
        line: 2,
        column: "familyName",
        code: "patient_exists_differently",
        message:
          "Patient id P-1 already exists in this lab as Byron, Ada, born 1980-12-10, sex female; this row says Lovelace, Ada, born 1980-12-10, sex female. Correct the row to match, or correct the patient id.",
      },
      {
        line: 3,
        column: "fileName",
        code: "already_uploaded",
        message:
          "x.pdf was already uploaded for accession ACC-7 on 2026-11-02 09:14 UTC (the same content). Drop this row; if it is a new result, give the file a new name.",
      },
      {
        line: 4,
        column: "fileName",
        code: "already_uploaded",
        message:
          "b.pdf was already uploaded for accession ACC-7 on 2026-11-03 10:00 UTC (a file of the same name). Drop this row; if it is a new result, give the file a new name.",
      },
    ]);
    // The same file name for another accession is no duplicate.
    expect(result.ready.map((r) => r.line)).toEqual([5]);
  });

  it("a missing column is one problem, and holds back every row", () => {
    const parsed = parseManifestCsv(
      "file_name,patient_id,given_name,family_name,sex,accession_number\na.pdf,P-1,Ada,Lovelace,f,A-1\n",
    );
    const result = checkManifest(parsed, [file("a.pdf")], { defaultMode: "interpret" });
    expect(result.problems.map((p) => p.code)).toEqual(["column_missing"]);
    expect(result.ready).toEqual([]);
  });
});

describe("dateProblem", () => {
  it("takes real dates between 1900 and today only", () => {
    expect(dateProblem("1980-12-10", "2026-01-01")).toBeNull();
    expect(dateProblem("2024-02-29", "2026-01-01")).toBeNull();
    expect(dateProblem("2023-02-29", "2026-01-01")).toMatch(/not a date in the calendar/);
    expect(dateProblem("1899-12-31", "2026-01-01")).toMatch(/between 1900 and today/);
    expect(dateProblem("10.12.1980", "2026-01-01")).toMatch(/YYYY-MM-DD/);
  });
});
