import { describe, expect, it } from "vitest";
import {
  hashShareToken,
  isShareToken,
  newPin,
  newShareToken,
  shareExpiry,
  shareLinkState,
  verifyViewerCookie,
  viewerCookieValue,
  type ShareLinkFacts,
} from "./tokens";

const SECRET = "test-secret-of-at-least-thirty-two-characters";
const now = new Date("2026-03-01T12:00:00Z");
const DAY = 24 * 3_600_000;

describe("share link tokens", () => {
  it("are 32 random bytes in base64url, different each time, hashed for storage", () => {
    const a = newShareToken();
    const b = newShareToken();
    expect(a).not.toBe(b);
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(isShareToken(a)).toBe(true);
    expect(hashShareToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashShareToken(a)).not.toContain(a);
  });

  it("refuse partial, padded, percent-encoded or otherwise odd forms", () => {
    const token = newShareToken();
    for (const odd of [
      token.slice(0, 42),
      `${token}=`,
      `${token}A`,
      encodeURIComponent(`${token.slice(0, 40)}/+=`),
      token.replace(/./, "%41"),
      token.replace(/./, "."),
      ` ${token.slice(1)}`,
      `${token.slice(0, 42)}\u00e9`,
      "",
      null,
      42,
    ]) {
      expect(isShareToken(odd), String(odd)).toBe(false);
    }
  });
});

describe("PINs", () => {
  it("are six digits, leading zeros kept, and not all the same", () => {
    const pins = Array.from({ length: 200 }, newPin);
    for (const pin of pins) expect(pin).toMatch(/^\d{6}$/);
    expect(new Set(pins).size).toBeGreaterThan(190);
  });
});

describe("expiry", () => {
  it("is 14 days by default, at most 30, at least 1", () => {
    expect(shareExpiry(now).getTime() - now.getTime()).toBe(14 * DAY);
    expect(shareExpiry(now, 90).getTime() - now.getTime()).toBe(30 * DAY);
    expect(shareExpiry(now, 0).getTime() - now.getTime()).toBe(1 * DAY);
    expect(shareExpiry(now, 7).getTime() - now.getTime()).toBe(7 * DAY);
  });
});

describe("the viewer cookie", () => {
  const exp = new Date(now.getTime() + 15 * 60_000);
  const value = viewerCookieValue("link-1", exp, SECRET);

  it("opens its own link until it expires", () => {
    expect(verifyViewerCookie(value, "link-1", now, SECRET)).toBe(true);
    expect(verifyViewerCookie(value, "link-1", new Date(exp.getTime() + 1000), SECRET)).toBe(false);
  });

  it("does not open another link, and cannot be forged or stretched", () => {
    expect(verifyViewerCookie(value, "link-2", now, SECRET)).toBe(false);
    expect(verifyViewerCookie(value, "link-1", now, `${SECRET}x`)).toBe(false);
    const [id, e, mac] = value.split(".");
    expect(verifyViewerCookie(`link-2.${e}.${mac}`, "link-2", now, SECRET)).toBe(false);
    expect(verifyViewerCookie(`${id}.${Number(e) + 3600}.${mac}`, "link-1", now, SECRET)).toBe(false);
    expect(verifyViewerCookie(`${value}.x`, "link-1", now, SECRET)).toBe(false);
    expect(verifyViewerCookie(undefined, "link-1", now, SECRET)).toBe(false);
    expect(verifyViewerCookie("x".repeat(500), "link-1", now, SECRET)).toBe(false);
  });
});

describe("a link's state", () => {
  const open: ShareLinkFacts = {
    expiresAt: new Date(now.getTime() + DAY),
    revokedAt: null,
    lockedAt: null,
    usedAt: null,
    singleUse: false,
    audience: "physician",
    labAllows: true,
  };
  it("is open, or says why not", () => {
    expect(shareLinkState(open, now)).toBe("open");
    expect(shareLinkState({ ...open, expiresAt: now }, now)).toBe("expired");
    expect(shareLinkState({ ...open, revokedAt: now }, now)).toBe("revoked");
    expect(shareLinkState({ ...open, lockedAt: now }, now)).toBe("locked");
    expect(shareLinkState({ ...open, usedAt: now }, now)).toBe("open");
    expect(shareLinkState({ ...open, singleUse: true, usedAt: now }, now)).toBe("used");
    expect(shareLinkState({ ...open, labAllows: false }, now)).toBe("unavailable");
  });
});
