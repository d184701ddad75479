import "server-only";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "@/db";
import {
  getReportForSharing,
  insertShareLink,
  listShareLinksForReport,
  revokeShareLink,
} from "@/db/queries/share-links";
import type { QueryScope } from "@/db/queries/scope";
import {
  findShareLinkByTokenHash,
  getSharedDocument,
  recordWrongPin,
  spendSingleUse,
} from "@/db/queries/system/share-links";
import { signInRateLimits, type ShareAudience } from "@/db/schema";
import { hashPassword, timingDummyHash, verifyPassword } from "@/lib/account/password-hash";
import { recordAudit } from "@/lib/audit";
import { getAuthSecret } from "@/lib/env";
import {
  MAX_WRONG_PINS,
  PIN_PATTERN,
  VIEWER_MINUTES,
  hashShareToken,
  isShareToken,
  newPin,
  newShareToken,
  shareExpiry,
  shareLinkState,
  verifyViewerCookie,
  viewerCookieValue,
  type ShareLinkState,
} from "./tokens";

/**
 * Share links to one report version, for an outside physician or the patient: made,
 * listed and revoked by the report's lab's doctors and admins; opened by whoever has the
 * link and its PIN. Every step is written to the audit trail, against the link's lab and
 * report, with the link's id (never its token or PIN).
 */

export { listShareLinksForReport };

export type CreateShareInput = {
  reportId: string;
  audience: ShareAudience;
  recipient: string | null;
  days: number;
  singleUse: boolean;
};

export type CreatedShareLink = { linkId: string; token: string; pin: string; expiresAt: Date };

export type CreateShareOutcome =
  { ok: true; link: CreatedShareLink } | { ok: false; reason: "not_found" | "audience_off" };

/** Makes a link (the token and PIN are returned once, and kept only as hashes). */
export async function createShareLink(
  db: Db,
  scope: QueryScope,
  input: CreateShareInput,
  ip: string,
  now = new Date(),
): Promise<CreateShareOutcome> {
  const report = await getReportForSharing(db, scope, input.reportId);
  if (!report) return { ok: false, reason: "not_found" };
  const allowed = input.audience === "physician" ? report.physicians : report.patients;
  if (!allowed) return { ok: false, reason: "audience_off" };
  const token = newShareToken();
  const pin = newPin();
  const pinHash = await hashPassword(pin);
  const expiresAt = shareExpiry(now, input.days);
  const link = await db.transaction(async (tx) => {
    const row = await insertShareLink(tx, {
      labId: report.labId,
      reportId: report.id,
      tokenHash: hashShareToken(token),
      pinHash,
      audience: input.audience,
      recipient: input.recipient,
      singleUse: input.singleUse,
      expiresAt,
      createdById: scope.userId,
    });
    await recordAudit(tx, {
      action: "share_link.create",
      outcome: "allowed",
      userId: scope.userId,
      labId: report.labId,
      patientId: report.patientId,
      reportId: report.id,
      labResultId: report.labResultId,
      ip,
      details: { shareLinkId: row.id, audience: input.audience, singleUse: input.singleUse, expiresAt },
    });
    return row;
  });
  return { ok: true, link: { linkId: link.id, token, pin, expiresAt } };
}

/** Revokes a link of the user's lab; false when it is not one (nothing is said about other labs' links). */
export async function revokeLink(db: Db, scope: QueryScope, linkId: string, ip: string): Promise<boolean> {
  const revoked = await revokeShareLink(db, scope, linkId);
  await recordAudit(db, {
    action: "share_link.revoke",
    outcome: revoked ? "allowed" : "denied",
    userId: scope.userId,
    labId: revoked?.labId ?? scope.labId,
    reportId: revoked?.reportId ?? null,
    ip,
    details: { shareLinkId: revoked?.id ?? null, requestedId: linkId.slice(0, 64) },
  });
  return Boolean(revoked);
}

type Found = NonNullable<Awaited<ReturnType<typeof findShareLinkByTokenHash>>>;

function stateOf(found: Found, now: Date): ShareLinkState {
  const { link } = found;
  const labAllows =
    found.labActive && (link.audience === "physician" ? found.physiciansAllowed : found.patientsAllowed);
  return shareLinkState({ ...link, labAllows }, now);
}

async function audit(
  db: Db,
  found: Found | undefined,
  action: string,
  outcome: "allowed" | "denied",
  ip: string,
  details: Record<string, unknown> = {},
) {
  await recordAudit(db, {
    action,
    outcome,
    userId: null,
    labId: found?.link.labId ?? null,
    patientId: found?.patientId ?? null,
    reportId: found?.link.reportId ?? null,
    labResultId: found?.labResultId ?? null,
    documentId: found && action === "share_link.document" ? found.documentId : null,
    ip,
    details: { shareLinkId: found?.link.id ?? null, ...details },
  });
}

export type ShareView =
  /** No such link (or not a token's form). */
  | { kind: "unknown" }
  | { kind: "closed"; state: Exclude<ShareLinkState, "open"> }
  /** The PIN is needed (again). */
  | { kind: "pin"; linkId: string; wrongPins: number }
  /** The viewer's cookie is good: show the PDF. */
  | { kind: "view"; linkId: string; expiresAt: Date };

async function lookup(db: Db, token: unknown): Promise<Found | undefined> {
  return isShareToken(token) ? findShareLinkByTokenHash(db, hashShareToken(token)) : undefined;
}

/**
 * What the link's page shows: a GET never spends a single-use link (a link preview is a
 * GET). Every open of a known link is audited.
 */
export async function openShareLink(
  db: Db,
  token: unknown,
  cookie: string | undefined,
  ip: string,
  now = new Date(),
): Promise<ShareView> {
  const found = await lookup(db, token);
  if (!found) {
    await audit(db, undefined, "share_link.open", "denied", ip, { reason: "unknown" });
    return { kind: "unknown" };
  }
  const viewing = verifyViewerCookie(cookie, found.link.id, now, getAuthSecret());
  const state = stateOf(found, now);
  // A spent single-use link still shows its PDF to the viewer who spent it, while their cookie lasts.
  const open = state === "open" || (state === "used" && viewing);
  await audit(db, found, "share_link.open", open ? "allowed" : "denied", ip, {
    state,
    viewer: viewing,
  });
  if (!open) return { kind: "closed", state: state as Exclude<ShareLinkState, "open"> };
  if (viewing) return { kind: "view", linkId: found.link.id, expiresAt: found.link.expiresAt };
  return { kind: "pin", linkId: found.link.id, wrongPins: found.link.failedPins };
}

const PIN_IP_LIMIT = { attempts: 20, windowSeconds: 10 * 60 } as const;
const pinLimiters = new WeakMap<Db, RateLimiterDrizzle>();

/** Every PIN attempt counts against the address first (20 in 10 minutes), whatever the link. */
async function takePinAttempt(db: Db, ip: string): Promise<{ limited: boolean; retryAfterSeconds: number }> {
  let limiter = pinLimiters.get(db);
  if (!limiter) {
    limiter = new RateLimiterDrizzle({
      storeClient: db,
      schema: signInRateLimits,
      clearExpiredByTimeout: false,
      keyPrefix: "share-pin",
      points: PIN_IP_LIMIT.attempts,
      duration: PIN_IP_LIMIT.windowSeconds,
    });
    pinLimiters.set(db, limiter);
  }
  try {
    await limiter.consume(ip.slice(0, 100));
    return { limited: false, retryAfterSeconds: 0 };
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
  }
}

export type PinOutcome =
  | { kind: "unknown" }
  | { kind: "closed"; state: Exclude<ShareLinkState, "open"> }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "wrong"; attemptsLeft: number }
  | { kind: "ok"; cookie: string; cookieMaxAgeSeconds: number };

/**
 * A PIN entered on the link's page. Rate-limited by address before anything else; checked
 * against the argon2id hash (constant time; an unknown link costs the same hash); five wrong
 * PINs lock the link; a right PIN spends a single-use link (one viewer only) and gives the
 * viewer a cookie for this link alone.
 */
export async function enterPin(
  db: Db,
  token: unknown,
  pin: unknown,
  ip: string,
  now = new Date(),
): Promise<PinOutcome> {
  const rate = await takePinAttempt(db, ip);
  const found = await lookup(db, token);
  if (rate.limited) {
    await audit(db, found, "share_link.pin", "denied", ip, { reason: "rate_limited" });
    return { kind: "rate_limited", retryAfterSeconds: rate.retryAfterSeconds };
  }
  const given = typeof pin === "string" && PIN_PATTERN.test(pin) ? pin : "";
  if (!found) {
    await verifyPassword(await timingDummyHash(), given || "000000");
    await audit(db, undefined, "share_link.pin", "denied", ip, { reason: "unknown" });
    return { kind: "unknown" };
  }
  const state = stateOf(found, now);
  if (state !== "open") {
    await audit(db, found, "share_link.pin", "denied", ip, { reason: state });
    return { kind: "closed", state };
  }
  const right = (await verifyPassword(found.link.pinHash, given || "not-a-pin")) && given !== "";
  if (!right) {
    const { failedPins, locked } = await recordWrongPin(db, found.link.id, MAX_WRONG_PINS);
    await audit(db, found, "share_link.pin_wrong", "denied", ip, { failedPins, locked });
    if (locked) return { kind: "closed", state: "locked" };
    return { kind: "wrong", attemptsLeft: Math.max(0, MAX_WRONG_PINS - failedPins) };
  }
  if (found.link.singleUse && !(await spendSingleUse(db, found.link.id, now))) {
    await audit(db, found, "share_link.pin", "denied", ip, { reason: "used" });
    return { kind: "closed", state: "used" };
  }
  await audit(db, found, "share_link.pin_ok", "allowed", ip, { spent: found.link.singleUse });
  const viewerEnds = new Date(Math.min(now.getTime() + VIEWER_MINUTES * 60_000, found.link.expiresAt.getTime()));
  return {
    kind: "ok",
    cookie: viewerCookieValue(found.link.id, viewerEnds, getAuthSecret()),
    cookieMaxAgeSeconds: Math.max(1, Math.floor((viewerEnds.getTime() - now.getTime()) / 1000)),
  };
}

export type SharedPdf =
  | { kind: "pdf"; bytes: Uint8Array; fileName: string }
  | { kind: "denied"; state: Exclude<ShareLinkState, "open"> | "unknown" | "pin" };

/** The link's PDF for a viewer whose cookie was made for this link, while the link is still good. Audited. */
export async function sharedPdf(
  db: Db,
  token: unknown,
  cookie: string | undefined,
  ip: string,
  now = new Date(),
): Promise<SharedPdf> {
  const found = await lookup(db, token);
  if (!found) {
    await audit(db, undefined, "share_link.document", "denied", ip, { reason: "unknown" });
    return { kind: "denied", state: "unknown" };
  }
  const state = stateOf(found, now);
  const viewing = verifyViewerCookie(cookie, found.link.id, now, getAuthSecret());
  const open = state === "open" || state === "used";
  if (!open || !viewing) {
    await audit(db, found, "share_link.document", "denied", ip, { reason: open ? "pin" : state });
    return { kind: "denied", state: open ? "pin" : (state as Exclude<ShareLinkState, "open">) };
  }
  const doc = await getSharedDocument(db, found.documentId);
  if (!doc) return { kind: "denied", state: "unknown" };
  await audit(db, found, "share_link.document", "allowed", ip);
  return { kind: "pdf", bytes: doc.bytes, fileName: doc.fileName };
}
