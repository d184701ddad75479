import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { sha256Hex } from "@/lib/crypto";

/**
 * The secrets of a share link, as pure functions: the link's token (32 random bytes,
 * base64url; only its SHA-256 is stored), its 6-digit PIN (stored as an argon2id hash by
 * lib/share/links.ts), the viewer cookie that a right PIN gives (signed, bound to one link,
 * short-lived), and what state a link is in.
 */

export const SHARE_TOKEN_BYTES = 32;
/** 32 bytes in unpadded base64url: 43 characters of [A-Za-z0-9_-], nothing else. */
export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const PIN_PATTERN = /^\d{6}$/;
export const MAX_WRONG_PINS = 5;
export const DEFAULT_SHARE_DAYS = 14;
export const MAX_SHARE_DAYS = 30;
/** How long a viewer may read after a right PIN before entering it again. */
export const VIEWER_MINUTES = 15;
export const VIEWER_COOKIE = "share_viewer";

export function newShareToken(): string {
  return randomBytes(SHARE_TOKEN_BYTES).toString("base64url");
}

export function isShareToken(value: unknown): value is string {
  return typeof value === "string" && SHARE_TOKEN_PATTERN.test(value);
}

export function hashShareToken(token: string): string {
  return sha256Hex(`share-link:${token}`);
}

/** Six digits, uniformly drawn (leading zeros kept). */
export function newPin(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

/** When a link made now for `days` days ends (1 to 30, 14 when not given). */
export function shareExpiry(now: Date, days: number = DEFAULT_SHARE_DAYS): Date {
  const clamped = Math.min(MAX_SHARE_DAYS, Math.max(1, Math.floor(days)));
  return new Date(now.getTime() + clamped * 24 * 3_600_000);
}

/** The path a link's page, its PIN form and its PDF live under (the viewer cookie's path). */
export function sharePath(token: string): string {
  return `/s/${token}`;
}

function sign(payload: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(`share-viewer:${payload}`).digest();
}

/** The viewer cookie's value for one link: `<link id>.<expiry, epoch seconds>.<HMAC>`. */
export function viewerCookieValue(linkId: string, expiresAt: Date, secret: string): string {
  const payload = `${linkId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${sign(payload, secret).toString("base64url")}`;
}

/** Whether a viewer cookie was made by this portal for this very link and has not expired (compared in constant time). */
export function verifyViewerCookie(value: string | undefined, linkId: string, now: Date, secret: string): boolean {
  if (!value || value.length > 200) return false;
  const [id, exp, mac, ...rest] = value.split(".");
  if (rest.length > 0 || !id || !exp || !mac || !/^\d{1,12}$/.test(exp)) return false;
  const expected = sign(`${id}.${exp}`, secret);
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  return id === linkId && Number(exp) * 1000 > now.getTime();
}

export type ShareLinkFacts = {
  expiresAt: Date;
  revokedAt: Date | null;
  lockedAt: Date | null;
  usedAt: Date | null;
  singleUse: boolean;
  audience: "physician" | "patient";
  /** The lab's settings now: links of this audience may be used. */
  labAllows: boolean;
};

export type ShareLinkState = "open" | "expired" | "revoked" | "locked" | "used" | "unavailable";

/** What a link allows now; "used": a single-use link whose PIN was already entered right. */
export function shareLinkState(link: ShareLinkFacts, now: Date): ShareLinkState {
  if (link.revokedAt) return "revoked";
  if (!link.labAllows) return "unavailable";
  if (link.expiresAt.getTime() <= now.getTime()) return "expired";
  if (link.lockedAt) return "locked";
  if (link.singleUse && link.usedAt) return "used";
  return "open";
}

/** What the person who opened a link reads about it: plain words, nothing about the report or the lab. */
export const shareStateMessages: Record<Exclude<ShareLinkState, "open"> | "unknown", string> = {
  unknown:
    "This link does not work. Check that you copied the whole link, or ask the person who sent it to you for a new one.",
  expired: "This link has expired. Ask the person who sent it to you for a new one.",
  revoked: "This link has been withdrawn by the person who sent it. Ask them for a new one if you still need it.",
  locked:
    "This link is locked because a wrong PIN was entered too many times. Ask the person who sent it to you for a new link.",
  used: "This link could be opened only once, and it has already been opened. Ask the person who sent it to you for a new one.",
  unavailable: "This link can no longer be used. Ask the person who sent it to you for a new one.",
};

/** A link's state as its list in the portal names it. */
export const shareStateLabels: Record<ShareLinkState, string> = {
  open: "Active",
  expired: "Expired",
  revoked: "Revoked",
  locked: "Locked (too many wrong PINs)",
  used: "Used (opened once)",
  unavailable: "Off (the lab's setting)",
};

/** One audited access to a link, in words for its list. */
export function describeShareAccess(action: string, outcome: string): string {
  const allowed = outcome === "allowed";
  switch (action) {
    case "share_link.create":
      return "Link made";
    case "share_link.revoke":
      return "Revoked";
    case "share_link.open":
      return allowed ? "Page opened" : "Page opened, refused";
    case "share_link.pin_ok":
      return "Right PIN entered";
    case "share_link.pin_wrong":
      return "Wrong PIN entered";
    case "share_link.pin":
      return "PIN refused (link closed or too many attempts)";
    case "share_link.document":
      return allowed ? "Report PDF read" : "Report PDF refused";
    default:
      return action;
  }
}
