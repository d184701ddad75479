import { describe, expect, it } from "vitest";
import { clientIp, clientIpFromRecord, earlyActionRefusal, resolveClientAddress, sameOriginPath } from "./request";

describe("clientIp", () => {
  it("reads the single address the portal's server put in X-Forwarded-For", () => {
    const headers = new Headers({ "x-forwarded-for": "10.0.0.1" });
    expect(clientIp((n) => headers.get(n))).toBe("10.0.0.1");
  });
  it("never trusts X-Real-IP, which any client can send", () => {
    expect(clientIp((n) => (n === "x-real-ip" ? "198.51.100.7" : null))).toBe("unknown");
    expect(clientIp(() => null)).toBe("unknown");
  });
  it("reads next-auth's plain header records", () => {
    expect(clientIpFromRecord({ "x-forwarded-for": "::1" })).toBe("::1");
    expect(clientIpFromRecord(undefined)).toBe("unknown");
  });
});

describe("resolveClientAddress", () => {
  it("with 0 trusted hops ignores a forged X-Forwarded-For and uses the socket", () => {
    expect(resolveClientAddress("203.0.113.66", "192.0.2.10", 0)).toBe("192.0.2.10");
    expect(resolveClientAddress(["203.0.113.66", "198.51.100.1"], "192.0.2.10", 0)).toBe("192.0.2.10");
    expect(resolveClientAddress(undefined, undefined, 0)).toBeUndefined();
  });
  it("with N hops takes the N-th entry from the right (what the outermost trusted proxy saw)", () => {
    // The client forged the first entry; our one proxy appended the real address.
    expect(resolveClientAddress("203.0.113.66, 192.0.2.77", "10.0.0.5", 1)).toBe("192.0.2.77");
    // Two proxies: the CDN appended the client, the load balancer appended the CDN.
    expect(resolveClientAddress("203.0.113.66, 192.0.2.77, 10.1.1.1", "10.0.0.5", 2)).toBe("192.0.2.77");
    // Repeated headers count as one list, in order.
    expect(resolveClientAddress(["203.0.113.66", "192.0.2.77"], "10.0.0.5", 1)).toBe("192.0.2.77");
  });
  it("falls back sensibly when the header is shorter than the configured hops or absent", () => {
    expect(resolveClientAddress("192.0.2.77", "10.0.0.5", 3)).toBe("192.0.2.77");
    expect(resolveClientAddress(undefined, "10.0.0.5", 1)).toBe("10.0.0.5");
    expect(resolveClientAddress(" , ", "10.0.0.5", 1)).toBe("10.0.0.5");
  });
  it("unwraps IPv4-mapped IPv6 socket addresses", () => {
    expect(resolveClientAddress(undefined, "::ffff:192.0.2.10", 0)).toBe("192.0.2.10");
    expect(resolveClientAddress(undefined, "::1", 0)).toBe("::1");
  });
});

describe("sameOriginPath", () => {
  const origin = "https://portal.example.test";
  it("keeps the portal's own paths, with their query", () => {
    expect(sameOriginPath("/lab-results?status=failed", origin)).toBe("/lab-results?status=failed");
    expect(sameOriginPath("https://portal.example.test/patients", origin)).toBe("/patients");
  });
  it.each([
    "/\t/example.org",
    "/%09/example.org".replace("%09", "\t"),
    "/\n/example.org",
    "//example.org",
    "/\\example.org",
    "\\\\example.org",
    "https://example.org/",
    "javascript:alert(1)",
    "http://portal.example.test/",
  ])("sends %j home instead of off-site", (value) => {
    expect(sameOriginPath(value, origin)).toBe("/");
  });
  it("never returns a path that a browser would read as another host", () => {
    expect(sameOriginPath("/.//example.org", origin)).toBe("/example.org");
    expect(sameOriginPath(undefined, origin)).toBe("/");
  });
});

describe("earlyActionRefusal", () => {
  const action = { "next-action": "7f00aa", "content-type": "multipart/form-data; boundary=x" };
  const big = String(25 * 1024 * 1024);
  const verify = async (token: string) => token === "valid-jwt";
  it("refuses a 25 MB server-action body without a valid session before it is read", async () => {
    expect(await earlyActionRefusal("POST", { ...action, "content-length": big }, verify)).toBe(413);
    expect(await earlyActionRefusal("POST", { ...action, "transfer-encoding": "chunked" }, verify)).toBe(411);
    // A made-up cookie is not a session.
    expect(
      await earlyActionRefusal(
        "POST",
        { ...action, "content-length": big, cookie: "next-auth.session-token=forged" },
        verify,
      ),
    ).toBe(413);
  });
  it("lets small actions and signed-in uploads through (the action authorizes them itself)", async () => {
    expect(await earlyActionRefusal("POST", { ...action, "content-length": "900" }, verify)).toBeNull();
    expect(
      await earlyActionRefusal(
        "POST",
        { ...action, "content-length": big, cookie: "a=1; next-auth.session-token=valid-jwt" },
        verify,
      ),
    ).toBeNull();
    expect(
      await earlyActionRefusal(
        "POST",
        {
          ...action,
          "content-length": big,
          cookie: "__Secure-next-auth.session-token.1=jwt; __Secure-next-auth.session-token.0=valid-",
        },
        verify,
      ),
    ).toBeNull();
  });
  it("ignores everything that is not a server-action POST", async () => {
    expect(await earlyActionRefusal("POST", { "content-length": big }, verify)).toBeNull();
    expect(await earlyActionRefusal("GET", { ...action }, verify)).toBeNull();
  });
});
