import { describe, expect, it } from "vitest";
import {
  clientIp,
  clientIpFromRecord,
  isSameOriginRequest,
  resolveClientAddress,
  sameOriginPath,
  unauthenticatedBodyCheck,
  withoutInvalidCallbackUrlCookie,
  withoutInvalidCallbackUrlParam,
} from "./request";

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

describe("unauthenticatedBodyCheck", () => {
  const multipart = { "content-type": "multipart/form-data; boundary=x" };
  const action = { ...multipart, "next-action": "7f00aa" };
  const big = String(26 * 1024 * 1024);
  const verify = async (token: string) => token === "valid-jwt";
  const check = (url: string, headers: Record<string, string>) => unauthenticatedBodyCheck(url, headers, verify);

  it("refuses any body over 64 KB without a valid session before it is read, action or not", async () => {
    expect(await check("/sign-in", { ...multipart, "content-length": big })).toBe("refuse");
    expect(await check("/upload", { ...action, "content-length": big })).toBe("refuse");
    expect(await check("/api/patients/search", { "content-length": String(64 * 1024 + 1) })).toBe("refuse");
    // A made-up cookie is not a session.
    expect(
      await check("/sign-in", { ...multipart, "content-length": big, cookie: "next-auth.session-token=forged" }),
    ).toBe("refuse");
  });
  it("lets a share link's PIN form and PDF through without a session, and holds them to the same limit", async () => {
    const share = "/s/" + "A".repeat(43);
    const form = { "content-type": "application/x-www-form-urlencoded" };
    expect(await check(`${share}/pin`, { ...form, "content-length": "10" })).toBe("pass");
    expect(await check(`${share}/document`, {})).toBe("pass");
    expect(await check(share, {})).toBe("pass");
    // Public is not exempt: a large body to a share path is refused like any other without a session.
    expect(await check(`${share}/pin`, { ...form, "content-length": String(64 * 1024 + 1) })).toBe("refuse");
    expect(await check(`${share}/pin`, { ...form, "transfer-encoding": "chunked" })).toBe("count");
  });
  it("counts a chunked body without a valid session while it streams", async () => {
    expect(await check("/sign-in", { ...multipart, "transfer-encoding": "chunked" })).toBe("count");
    expect(await check("/upload", { ...action, "transfer-encoding": "chunked" })).toBe("count");
  });
  it("lets small bodies, bodiless requests and signed-in uploads through (the route or action authorizes them itself)", async () => {
    expect(await check("/sign-in", { ...multipart, "content-length": String(30 * 1024) })).toBe("pass");
    expect(await check("/sign-in", { ...multipart, "content-length": String(64 * 1024) })).toBe("pass");
    expect(await check("/patients", {})).toBe("pass");
    expect(
      await check("/upload", { ...action, "content-length": big, cookie: "a=1; next-auth.session-token=valid-jwt" }),
    ).toBe("pass");
    expect(
      await check("/upload", {
        ...action,
        "transfer-encoding": "chunked",
        cookie: "__Secure-next-auth.session-token.1=jwt; __Secure-next-auth.session-token.0=valid-",
      }),
    ).toBe("pass");
  });
  it("leaves Docus deliveries and next-auth's routes to their own limits", async () => {
    expect(await check("/api/docus/reports", { "content-length": big })).toBe("pass");
    expect(await check("/api/auth/callback/credentials?x=1", { "content-length": big })).toBe("pass");
    expect(await check("/api/auth/signout", { "transfer-encoding": "chunked" })).toBe("pass");
  });
  it.each([
    "/api/auth/../../sign-in",
    "/api/auth/%2e%2e/%2e%2e/sign-in",
    "/api/auth//../sign-in",
    "/api/docus/reports/../../../sign-in",
    "/api/docus/reports/",
    "/api/docus/reports%2F..%2F..%2Fsign-in",
    "/api/auth",
  ])("does not take %j for an exempt path", async (url) => {
    expect(await check(url, { ...multipart, "content-length": big })).toBe("refuse");
  });
});

describe("withoutInvalidCallbackUrlCookie", () => {
  const origin = "http://localhost:3000";
  it.each([
    "%%%not a url",
    "not a url",
    "not%20a%20url",
    "javascript%3Aalert(1)",
    "ftp://example.org/",
    "http://[::1",
    "%E0%A4%A",
    '"/patients"',
    " /patients",
  ])("drops a callback-url cookie of %j (next-auth would answer it with a 500)", (value) => {
    const result = withoutInvalidCallbackUrlCookie(
      `a=1; next-auth.callback-url=${value}; next-auth.session-token=tok`,
      origin,
    );
    expect(result).toEqual({ header: "a=1; next-auth.session-token=tok", dropped: ["next-auth.callback-url"] });
    expect(
      withoutInvalidCallbackUrlCookie(`__Secure-next-auth.callback-url=${value}`, "https://portal.example.test"),
    ).toEqual({ header: "", dropped: ["__Secure-next-auth.callback-url"] });
  });
  it.each(["http%3A%2F%2Flocalhost%3A3000%2Fpatients", "/patients?x=1", "https://example.org/", ""])(
    "keeps a callback-url cookie of %j and everything else as it is",
    (value) => {
      expect(withoutInvalidCallbackUrlCookie(`next-auth.callback-url=${value}; b=%%%`, origin)).toBeNull();
    },
  );
  it("leaves a header without the cookie alone", () => {
    expect(withoutInvalidCallbackUrlCookie(undefined, origin)).toBeNull();
    expect(withoutInvalidCallbackUrlCookie("other-callback-url=%%%", origin)).toBeNull();
  });
});

describe("withoutInvalidCallbackUrlParam", () => {
  const origin = "https://portal.example.test";
  it("drops a callbackUrl next-auth would refuse from its own routes, keeping the other parameters", () => {
    expect(withoutInvalidCallbackUrlParam("/api/auth/signin?callbackUrl=javascript%3Aalert(1)&x=1", origin)).toBe(
      "/api/auth/signin?x=1",
    );
    expect(withoutInvalidCallbackUrlParam("/api/auth/session?callbackUrl=%%%", origin)).toBe("/api/auth/session");
    // Repeated: next-auth reads the last copy; all go when that one is bad.
    expect(withoutInvalidCallbackUrlParam("/api/auth/signin?callbackUrl=/ok&callbackUrl=data:x", origin)).toBe(
      "/api/auth/signin",
    );
  });
  it("leaves good callback URLs, other routes and plain URLs alone", () => {
    expect(withoutInvalidCallbackUrlParam("/api/auth/signin?callbackUrl=%2Fpatients", origin)).toBeNull();
    expect(withoutInvalidCallbackUrlParam("/api/auth/signin?callbackUrl=https%3A%2F%2Fx.test%2F", origin)).toBeNull();
    expect(withoutInvalidCallbackUrlParam("/sign-in?callbackUrl=javascript:alert(1)", origin)).toBeNull();
    expect(withoutInvalidCallbackUrlParam("/api/auth/session", origin)).toBeNull();
    expect(withoutInvalidCallbackUrlParam(undefined, origin)).toBeNull();
  });
});

describe("isSameOriginRequest", () => {
  const check = (headers: Record<string, string>) => {
    const h = new Headers(headers);
    return isSameOriginRequest((name) => h.get(name));
  };
  it("takes a request whose Origin names the host it was sent to", () => {
    expect(check({ origin: "https://portal.example", host: "portal.example" })).toBe(true);
    expect(check({ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" })).toBe(true);
    expect(
      check({ origin: "https://portal.example", host: "internal:3000", "x-forwarded-host": "portal.example" }),
    ).toBe(true);
  });
  it("refuses another site, a missing or opaque Origin, and a malformed one", () => {
    expect(check({ origin: "https://evil.example", host: "portal.example" })).toBe(false);
    expect(check({ origin: "https://portal.example.evil.example", host: "portal.example" })).toBe(false);
    expect(check({ host: "portal.example" })).toBe(false);
    expect(check({ origin: "null", host: "portal.example" })).toBe(false);
    expect(check({ origin: "not a url", host: "portal.example" })).toBe(false);
    expect(check({ origin: "https://portal.example" })).toBe(false);
  });
});
