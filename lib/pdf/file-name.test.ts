import { describe, expect, it } from "vitest";
import { fileNamePart, sanitizeFileName } from "./file-name";
import { contentDisposition } from "./response";

describe("sanitizeFileName", () => {
  it("keeps the last path segment, without quotes and control characters", () => {
    expect(sanitizeFileName('../../etc/"passwd"\r\n.pdf')).toBe("_passwd_.pdf");
  });
  it.each([
    ["invoice\u202Efdp.exe", "invoicefdp.exe.pdf"],
    ["report\u202Dx\u202A\u202B\u202C.pdf", "reportx.pdf"],
    ["a\u2066b\u2067c\u2068d\u2069.pdf", "abcd.pdf"],
    ["\u200Fmark\u200E\u061C.pdf", "mark.pdf"],
    ["c1\u0085\u009B\u0080.pdf", "c1.pdf"],
    ["zero\u200Bwidth\uFEFF.pdf", "zerowidth.pdf"],
  ])("strips bidi, C1 and invisible characters from %j", (raw, clean) => {
    expect(sanitizeFileName(raw)).toBe(clean);
    // The same characters never reach the download header either.
    expect(contentDisposition("attachment", raw)).toContain(`filename="${clean}"`);
  });
  it("keeps an upload's own extension when asked to, for its messages", () => {
    expect(sanitizeFileName("notes\u202E.txt", "lab-result.pdf", { pdfExtension: false })).toBe("notes.txt");
    expect(sanitizeFileName(`${"a".repeat(300)}.txt`, "x", { pdfExtension: false })).toMatch(/^a{146}\.txt$/);
  });
  it("adds .pdf and falls back when nothing is left", () => {
    expect(sanitizeFileName("report")).toBe("report.pdf");
    expect(sanitizeFileName("...")).toBe("document.pdf");
  });
});

describe("fileNamePart", () => {
  it("keeps ASCII letters, digits, dots, underscores and hyphens, and replaces anything else", () => {
    expect(fileNamePart("ACC-42_v1.2")).toBe("ACC-42_v1.2");
    expect(fileNamePart("A/B C\u00e9")).toBe("A_B_C_");
  });
});
