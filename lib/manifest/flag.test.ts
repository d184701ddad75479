import { describe, expect, it } from "vitest";
import { columnForHeader } from "./columns";
import { checkRow } from "./rows";

const base = {
  fileName: "cbc.pdf",
  patientId: "P-1",
  givenName: "Ada",
  familyName: "Lovelace",
  birthDate: "1980-12-10",
  sex: "female",
  accessionNumber: "ACC-1",
};

describe("the manifest's flag column", () => {
  it("is found under its aliases", () => {
    expect(columnForHeader("flag")).toBe("flag");
    expect(columnForHeader("Lab flag")).toBe("flag");
    expect(columnForHeader("Abnormal_Flag")).toBe("flag");
  });

  it("reads the lab's flag in the words and HL7 letters spreadsheets use; empty is not flagged", () => {
    const flagOf = (flag: string | undefined) =>
      checkRow({ line: 2, values: { ...base, ...(flag === undefined ? {} : { flag }) } }, "interpret").row?.flag;
    expect(flagOf("Critical")).toBe("critical");
    expect(flagOf("HH")).toBe("critical");
    expect(flagOf("abnormal")).toBe("abnormal");
    expect(flagOf("H")).toBe("abnormal");
    expect(flagOf("N")).toBe("normal");
    expect(flagOf("")).toBeUndefined();
    expect(flagOf(undefined)).toBeUndefined();
  });

  it("reports a flag it does not know, naming the column", () => {
    const { row, problems } = checkRow({ line: 3, values: { ...base, flag: "purple" } }, "interpret");
    expect(row).toBeNull();
    expect(problems).toEqual([
      expect.objectContaining({
        code: "bad_flag",
        column: "flag",
        line: 3,
        message: expect.stringContaining("purple"),
      }),
    ]);
  });
});
