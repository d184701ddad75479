import { describe, expect, it } from "vitest";
import { classifyNetworkError, classifyResponse, parseRetryAfter } from "./classify";

const noHeaders = new Headers();
const now = new Date("2025-03-01T12:00:00Z");

describe("classifyResponse", () => {
  it.each([200, 201, 202, 204])("treats HTTP %i as accepted", (status) => {
    const outcome = classifyResponse(status, { message: "Lab results received" }, noHeaders);
    expect(outcome).toEqual({
      kind: "accepted",
      status,
      message: `Docus accepted the lab result (HTTP ${status}): Lab results received`,
    });
  });

  it("accepts a 201 with an empty body", () => {
    expect(classifyResponse(201, undefined, noHeaders)).toEqual({
      kind: "accepted",
      status: 201,
      message: "Docus accepted the lab result (HTTP 201).",
    });
  });

  it.each([
    [400, { message: "patient_id is required" }, "patient_id is required"],
    [422, { error: "file_base64.content is not a PDF" }, "file_base64.content is not a PDF"],
    [400, { error: { message: "nested reason" } }, "nested reason"],
    [422, { detail: [{ msg: "field a missing" }, { msg: "field b missing" }] }, "field a missing; field b missing"],
    [400, "plain text reason", "plain text reason"],
  ])("rejects HTTP %i as invalid and quotes Docus's message", (status, body, quoted) => {
    const outcome = classifyResponse(status, body, noHeaders);
    expect(outcome.kind).toBe("rejected");
    if (outcome.kind !== "rejected") return;
    expect(outcome.reason).toBe("invalid");
    expect(outcome.status).toBe(status);
    expect(outcome.message).toBe(`Docus rejected the lab result (HTTP ${status}): ${quoted}`);
  });

  it("prefers message over error", () => {
    const outcome = classifyResponse(400, { message: "first", error: "second" }, noHeaders);
    expect(outcome.message).toContain("first");
    expect(outcome.message).not.toContain("second");
  });

  it("says when Docus gave no reason, and does not quote an HTML error page", () => {
    expect(classifyResponse(400, "<html><body>Bad Request</body></html>", noHeaders).message).toBe(
      "Docus rejected the lab result (HTTP 400) without giving a reason.",
    );
    expect(classifyResponse(400, {}, noHeaders).message).toBe(
      "Docus rejected the lab result (HTTP 400) without giving a reason.",
    );
  });

  it("collapses control characters and caps long messages", () => {
    const outcome = classifyResponse(400, { message: `line one\r\nline two\u0000${"x".repeat(2000)}` }, noHeaders);
    expect(outcome.message).not.toMatch(/[\r\n\u0000]/);
    expect(outcome.message).toContain("line one line two");
    expect(outcome.message.length).toBeLessThan(600);
  });

  it.each([401, 403])("treats HTTP %i as a credentials problem without echoing anything", (status) => {
    const outcome = classifyResponse(status, { message: "key abc123 is not valid" }, noHeaders);
    expect(outcome).toEqual({
      kind: "rejected",
      reason: "credentials",
      status,
      message: `Docus refused the portal's credentials (HTTP ${status}). An administrator must check DOCUS_API_KEY, DOCUS_TEAM_ID and DOCUS_AUTH_KEY.`,
    });
  });

  it.each([404, 405, 409, 410, 413, 415])("treats other client errors (HTTP %i) as invalid", (status) => {
    const outcome = classifyResponse(status, undefined, noHeaders);
    expect(outcome.kind).toBe("rejected");
    if (outcome.kind === "rejected") expect(outcome.reason).toBe("invalid");
  });

  it("points at DOCUS_API_URL on 404", () => {
    expect(classifyResponse(404, { message: "Not found" }, noHeaders).message).toBe(
      "Docus rejected the lab result (HTTP 404): Not found. An administrator should check DOCUS_API_URL.",
    );
  });

  it.each([408, 429, 500, 502, 503, 504, 599])("treats HTTP %i as transient", (status) => {
    const outcome = classifyResponse(status, undefined, noHeaders);
    expect(outcome.kind).toBe("transient");
    expect(outcome.status).toBe(status);
    expect(outcome).not.toHaveProperty("retryAfterMs");
  });

  it("reads Retry-After as delta-seconds", () => {
    const outcome = classifyResponse(503, { message: "maintenance" }, new Headers({ "retry-after": "120" }), now);
    expect(outcome).toEqual({
      kind: "transient",
      status: 503,
      retryAfterMs: 120_000,
      message: "Docus is temporarily unavailable (HTTP 503): maintenance",
    });
  });

  it("reads Retry-After as an HTTP date", () => {
    const outcome = classifyResponse(
      429,
      undefined,
      new Headers({ "retry-after": "Sat, 01 Mar 2025 12:01:30 GMT" }),
      now,
    );
    expect(outcome.kind).toBe("transient");
    if (outcome.kind === "transient") expect(outcome.retryAfterMs).toBe(90_000);
    expect(outcome.message).toBe("Docus is limiting the portal's request rate (HTTP 429).");
  });

  it("reads a 429 body's retry_after (seconds) when there is no Retry-After header", () => {
    const outcome = classifyResponse(
      429,
      { error: "Too many requests", statusCode: 429, retry_after: 60 },
      noHeaders,
      now,
    );
    expect(outcome).toMatchObject({ kind: "transient", status: 429, retryAfterMs: 60_000 });
    expect(outcome.message).toBe("Docus is limiting the portal's request rate (HTTP 429): Too many requests");
  });

  it("takes the longer of the header and the body's retry_after, and ignores a nonsense one", () => {
    expect(classifyResponse(429, { retry_after: 30 }, new Headers({ "retry-after": "90" }), now)).toMatchObject({
      retryAfterMs: 90_000,
    });
    expect(classifyResponse(429, { retry_after: "120" }, new Headers({ "retry-after": "90" }), now)).toMatchObject({
      retryAfterMs: 120_000,
    });
    expect(classifyResponse(429, { retry_after: -3 }, noHeaders, now)).not.toHaveProperty("retryAfterMs");
    expect(classifyResponse(429, { retry_after: "soon" }, noHeaders, now)).not.toHaveProperty("retryAfterMs");
  });

  it("treats redirects as transient configuration problems", () => {
    const outcome = classifyResponse(302, undefined, noHeaders);
    expect(outcome.kind).toBe("transient");
    expect(outcome.message).toContain("DOCUS_API_URL");
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["0", 0],
    ["  7 ", 7000],
    ["Sat, 01 Mar 2025 12:00:10 GMT", 10_000],
    ["Sat, 01 Mar 2025 11:00:00 GMT", 0],
  ])("parses %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([null, "", "soon", "-5", "1.5", "12 seconds"])("ignores %j", (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe("classifyNetworkError", () => {
  it("classifies a timeout", () => {
    expect(classifyNetworkError(new DOMException("The operation was aborted due to timeout", "TimeoutError"))).toEqual({
      kind: "transient",
      message: "Docus did not answer in time (the request timed out).",
    });
  });

  it("classifies an abort", () => {
    const outcome = classifyNetworkError(new DOMException("This operation was aborted", "AbortError"));
    expect(outcome.kind).toBe("transient");
    expect(outcome.message).toContain("cancelled");
  });

  it("names the system error code from the cause chain but never the error message", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443 key=s3cr3t"), { code: "ECONNREFUSED" });
    const outcome = classifyNetworkError(new TypeError("fetch failed", { cause }));
    expect(outcome).toEqual({
      kind: "transient",
      message: "Could not reach Docus: the connection was refused (ECONNREFUSED).",
    });
    expect(outcome.message).not.toContain("s3cr3t");
  });

  it("handles unknown codes and values that are not errors", () => {
    expect(classifyNetworkError(Object.assign(new Error("x"), { code: "ESOMETHING" })).message).toBe(
      "Could not reach Docus (ESOMETHING).",
    );
    expect(classifyNetworkError("boom")).toEqual({
      kind: "transient",
      message: "Could not reach Docus: the request failed before an answer arrived.",
    });
    expect(classifyNetworkError(null).kind).toBe("transient");
  });
});
