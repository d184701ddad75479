import { describe, expect, it } from "vitest";
import { contentDisposition, pdfResponse, sanitizeFileName } from "./response";

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

describe("contentDisposition", () => {
  it("gives an ASCII fallback and an RFC 5987 encoded name", () => {
    expect(contentDisposition("attachment", "Müller résumé (1).pdf")).toBe(
      "attachment; filename=\"M_ller r_sum_ (1).pdf\"; filename*=UTF-8''M%C3%BCller%20r%C3%A9sum%C3%A9%20%281%29.pdf",
    );
  });
});

describe("pdfResponse", () => {
  it("never caches, never sniffs, and sandboxes every PDF response", async () => {
    const inline = pdfResponse(new Uint8Array([37, 80, 68, 70, 45]), "a.pdf", "inline");
    expect(inline.headers.get("content-type")).toBe("application/pdf");
    expect(inline.headers.get("cache-control")).toBe("no-store, private");
    expect(inline.headers.get("x-content-type-options")).toBe("nosniff");
    expect(inline.headers.get("content-security-policy")).toMatch(/^sandbox/);
    expect(new Uint8Array(await inline.arrayBuffer())).toEqual(new Uint8Array([37, 80, 68, 70, 45]));
    const download = pdfResponse(new Uint8Array([1]), "a.pdf", "attachment");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment;/);
    // Exactly the PDF policy, downloads included.
    expect(download.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'; object-src 'none'");
  });
});
