import { describe, expect, it } from "vitest";
import { isPastAbsoluteLifetime, shouldRefresh } from "./session-policy";

describe("isPastAbsoluteLifetime", () => {
  const signedInAt = 1_700_000_000;
  it("keeps a session within its lifetime", () => {
    expect(isPastAbsoluteLifetime(signedInAt, 12, signedInAt + 12 * 3600 - 1)).toBe(false);
  });
  it("ends it at the lifetime, however active the user was", () => {
    expect(isPastAbsoluteLifetime(signedInAt, 12, signedInAt + 12 * 3600)).toBe(true);
  });
  it("treats a token without a sign-in time as expired", () => {
    expect(isPastAbsoluteLifetime(undefined, 12, signedInAt)).toBe(true);
  });
});

describe("shouldRefresh", () => {
  const now = 1_700_000_000;
  it("does not rewrite a token issued less than a minute ago", () => {
    expect(shouldRefresh(now + 30 * 60 - 10, 30, now)).toBe(false);
  });
  it("refreshes a token issued a minute or more ago", () => {
    expect(shouldRefresh(now + 30 * 60 - 60, 30, now)).toBe(true);
  });
  it("ignores a token without an expiry", () => {
    expect(shouldRefresh(undefined, 30, now)).toBe(false);
  });
});
