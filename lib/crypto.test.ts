import { describe, expect, it } from "vitest";
import { constantTimeEqual, sha256Hex } from "./crypto";

describe("sha256Hex", () => {
  it("hashes with SHA-256 in lower-case hex", () => {
    expect(sha256Hex(new TextEncoder().encode("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("hashes a string as its UTF-8 bytes", () => {
    expect(sha256Hex("abc")).toBe(sha256Hex(new TextEncoder().encode("abc")));
  });
});

describe("constantTimeEqual", () => {
  it("tells equal and different secrets apart, whatever their lengths", () => {
    expect(constantTimeEqual("shared-secret", "shared-secret")).toBe(true);
    expect(constantTimeEqual("shared-secret", "shared-secreT")).toBe(false);
    expect(constantTimeEqual("short", "a much longer secret")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
  });
});
