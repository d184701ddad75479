import { describe, expect, it } from "vitest";
import { clientIp, clientIpFromRecord } from "./request";

describe("clientIp", () => {
  it("takes the right-most X-Forwarded-For entry (the one our proxy added)", () => {
    const headers = new Headers({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" });
    expect(clientIp((n) => headers.get(n))).toBe("10.0.0.1");
  });
  it("falls back to X-Real-IP, then to 'unknown'", () => {
    expect(clientIp((n) => (n === "x-real-ip" ? "198.51.100.7" : null))).toBe("198.51.100.7");
    expect(clientIp(() => null)).toBe("unknown");
  });
  it("reads next-auth's plain header records", () => {
    expect(clientIpFromRecord({ "x-forwarded-for": "::1" })).toBe("::1");
    expect(clientIpFromRecord(undefined)).toBe("unknown");
  });
});
