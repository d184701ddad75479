import { describe, expect, it } from "vitest";
import {
  auth,
  delivered,
  file,
  labPdf,
  labPdfBase64,
  listing,
  post,
  simUrl,
  sleep,
  startSimulator,
  waitFor,
  setUpSimulator,
} from "./test-harness.ts";

setUpSimulator();

describe("the simulator's submission endpoints", () => {
  it("answers health checks, unknown paths and wrong methods", async () => {
    const health = await fetch(`${simUrl}/__sim/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const missing = await fetch(`${simUrl}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/json");
    expect(await missing.json()).toEqual({ message: "No such endpoint: GET /nowhere" });
    const wrongMethod = await fetch(`${simUrl}/lab-results`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
  });

  it("answers 401 without the three headers, and records which were present", async () => {
    const none = await post(
      "/lab-results",
      { patient_id: "P1", file_base64: file },
      { "content-type": "application/json" },
    );
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: "Missing or invalid x-api-key, x-team-id or x-auth-key." });
    const wrongTeam = await post(
      "/lab-results",
      { patient_id: "P1", file_base64: file },
      { ...auth, "x-team-id": "another-team" },
    );
    expect(wrongTeam.status).toBe(401);
    const { requests } = await listing();
    expect(requests.map((r) => [r.status, r.headersPresent])).toEqual([
      [401, { xApiKey: false, xTeamId: false, xAuthKey: false }],
      [401, { xApiKey: true, xTeamId: true, xAuthKey: true }],
    ]);
    // Nothing from an unauthenticated request is kept.
    expect(requests.every((r) => r.patient_id === null && r.sha256 === null)).toBe(true);
  });

  it.each([
    ["malformed JSON", "/lab-results", "{not json", "The request body is not valid JSON."],
    ["a body that is not an object", "/lab-results", [], "The request body must be a JSON object."],
    [
      "missing patient_id",
      "/lab-results",
      { file_base64: file },
      "patient_id is required and must be a non-empty string.",
    ],
    [
      "a blank patient_id",
      "/lab-results",
      { patient_id: "  ", file_base64: file },
      "patient_id is required and must be a non-empty string.",
    ],
    [
      "a numeric patient_id",
      "/lab-results",
      { patient_id: 12, file_base64: file },
      "patient_id is required and must be a non-empty string.",
    ],
    [
      "a numeric reference_id",
      "/lab-results",
      { patient_id: "P1", reference_id: 5, file_base64: file },
      "reference_id must be a string.",
    ],
    [
      "a null partner_lab_id",
      "/lab-results",
      { patient_id: "P1", partner_lab_id: null, file_base64: file },
      "partner_lab_id must be a string.",
    ],
    ["data that is not a string", "/lab-results", { patient_id: "P1", data: { hb: 12 } }, "data must be a string."],
    [
      "neither data nor file_base64",
      "/lab-results",
      { patient_id: "P1", reference_id: "A1" },
      "At least one of data or file_base64 must be provided.",
    ],
    [
      "empty data and no file",
      "/lab-results",
      { patient_id: "P1", data: "" },
      "At least one of data or file_base64 must be provided.",
    ],
    [
      "not-interpret without file_base64",
      "/lab-results/not-interpret",
      { patient_id: "P1", data: "Hb 13.2 g/dL" },
      "file_base64 is required for /lab-results/not-interpret.",
    ],
    [
      "file_base64 that is not an object",
      "/lab-results",
      { patient_id: "P1", file_base64: "JVBERi0=" },
      "file_base64 must be an object with mime_type, content and file_name.",
    ],
    [
      "a wrong mime type",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, mime_type: "image/png" } },
      'file_base64.mime_type must be "application/pdf".',
    ],
    [
      "empty content",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: "" } },
      "file_base64.content must be a non-empty base64 string.",
    ],
    [
      "content that is not base64",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: "not base64!" } },
      "file_base64.content is not valid base64.",
    ],
    [
      "base64 with a line break",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: `${labPdfBase64.slice(0, 8)}\n${labPdfBase64.slice(8)}` } },
      "file_base64.content is not valid base64.",
    ],
    [
      "base64 with non-zero padding bits",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: "JVBERi1=" } },
      "file_base64.content is not valid base64.",
    ],
    [
      "unpadded base64url",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: labPdf.toString("base64url").replace(/=+$/, "") } },
      "file_base64.content is not valid base64.",
    ],
    [
      "content that is not a PDF",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, content: Buffer.from("hello, world").toString("base64") } },
      "file_base64.content is not a PDF (it does not start with %PDF-).",
    ],
    [
      "an empty file_name",
      "/lab-results",
      { patient_id: "P1", file_base64: { ...file, file_name: "" } },
      "file_base64.file_name must be a non-empty string.",
    ],
  ])("answers 400 for %s", async (_label, path, body, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message });
    const { requests, deliveries } = await listing();
    expect(requests.map((r) => [r.endpoint, r.status, r.message])).toEqual([[path, 400, message]]);
    expect(deliveries).toEqual([]);
  });

  it("answers 415 when the body is not sent as JSON", async () => {
    const response = await post(
      "/lab-results",
      { patient_id: "P1", file_base64: file },
      { ...auth, "content-type": "text/plain" },
    );
    expect(response.status).toBe(415);
  });

  it("answers 413 above the body limit", async () => {
    const small = startSimulator({ maxBodyBytes: 1024 });
    const port = await small.listen(0);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/lab-results`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ patient_id: "P1", data: "x".repeat(4096) }),
      });
      expect(response.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it.each([
    ["/lab-results", { patient_id: "P1", reference_id: "A1", file_base64: file }],
    ["/lab-results", { patient_id: "P1", data: "Hb 13.2 g/dL" }],
    ["/lab-results", { patient_id: "P1", data: "Hb 13.2 g/dL", file_base64: file, partner_lab_id: "lab-2" }],
    ["/lab-results/not-interpret", { patient_id: "P1", reference_id: "A1", file_base64: file }],
  ])("answers 201 on a valid submission to %s", async (path, body) => {
    const response = await post(path, body);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ message: "Lab results received" });
    const interpret = path === "/lab-results";
    if (interpret) await waitFor(() => delivered.length === 1);
    else await sleep(100);
    expect(delivered).toHaveLength(interpret ? 1 : 0);
  });
});
