import { describe, expect, it } from "vitest";
import { contentDisposition, pdfResponse } from "./response";

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
