import { describe, expect, it } from "vitest";
import { PDF_CONTENT_SECURITY_POLICY, isPdfDocumentPath } from "./security-headers";

describe("isPdfDocumentPath", () => {
  it("names the routes that answer with stored PDFs, whose policy the proxy must not replace", () => {
    expect(isPdfDocumentPath("/api/lab-results/0b6e4b8e-3f0a-4d7e-9a59-0d1c5f9f1a11/document")).toBe(true);
    expect(isPdfDocumentPath("/api/reports/0b6e4b8e-3f0a-4d7e-9a59-0d1c5f9f1a11/document")).toBe(true);
    expect(isPdfDocumentPath("/api/reports/x/document/")).toBe(true);
  });
  it("leaves every other page and API route on the page policy", () => {
    for (const path of [
      "/",
      "/reports/abc",
      "/api/lab-results",
      "/api/lab-results/status",
      "/api/reports/a/b/document",
      "/api/me",
    ]) {
      expect(isPdfDocumentPath(path)).toBe(false);
    }
  });
  it("sandboxes PDFs without any origin", () => {
    expect(PDF_CONTENT_SECURITY_POLICY).toBe("sandbox; default-src 'none'; object-src 'none'");
  });
});

describe("share link paths", () => {
  it("serve their PDF under the PDF sandbox and carry no-store, no-referrer and noindex", async () => {
    const { isSharePath, shareLinkHeaders, secretLinkHeaders } = await import("./security-headers");
    const token = "A".repeat(43);
    expect(isPdfDocumentPath(`/s/${token}/document`)).toBe(true);
    expect(isPdfDocumentPath(`/s/${token}`)).toBe(false);
    expect(isSharePath(`/s/${token}/pin`)).toBe(true);
    expect(isSharePath("/sign-in")).toBe(false);
    const headers = Object.fromEntries(shareLinkHeaders.map((h) => [h.key, h.value]));
    expect(headers).toEqual({
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Robots-Tag": "noindex, nofollow, noarchive",
    });
    expect(secretLinkHeaders.some((rule) => rule.source === "/s/:path*")).toBe(true);
  });
});
