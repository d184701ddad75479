import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./csv";

describe("csv", () => {
  it("quotes every cell, doubling quotes; commas and line breaks stay inside", () => {
    expect(csvCell('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(csvCell("plain")).toBe('"plain"');
    expect(csvCell(7)).toBe('"7"');
    expect(csvLine(["a", "", "b"])).toBe('"a","","b"\r\n');
  });

  it("neutralises a leading = + - @ tab or carriage return with a single quote", () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("+1")).toBe('"\'+1"');
    expect(csvCell("-2+3")).toBe('"\'-2+3"');
    expect(csvCell("@cmd")).toBe('"\'@cmd"');
    expect(csvCell("\t=1")).toBe('"\'\t=1"');
    expect(csvCell("\r=1")).toBe('"\'\r=1"');
    // papaparse's own pattern misses a formula followed by a line break; this one does not.
    expect(csvCell("=1+1\nsecond line")).toBe('"\'=1+1\nsecond line"');
    // Only the first character counts.
    expect(csvCell("a=1")).toBe('"a=1"');
  });

  it("writes dates as ISO and empty for null", () => {
    expect(csvLine([new Date("2026-01-02T03:04:05Z"), null, undefined, 7])).toBe(
      '"2026-01-02T03:04:05.000Z","","","7"\r\n',
    );
  });

  it("reads back as the cells written (less the neutralising quote)", () => {
    const cells = ['x,"y"', "line\nbreak", "=SUM(A1)", "ünïcode"];
    const [row] = Papa.parse<string[]>(csvLine(cells), { skipEmptyLines: true }).data;
    expect(row).toEqual(['x,"y"', "line\nbreak", "'=SUM(A1)", "ünïcode"]);
  });
});
