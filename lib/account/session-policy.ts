/**
 * Session lifetime rules, kept pure so they can be tested without a clock or a cookie.
 * The idle timeout is the JWT's own expiry, pushed forward on activity by the proxy;
 * the absolute lifetime counts from the moment of sign-in and is never extended.
 */
export type SessionTimes = { authTime?: number; exp?: number };

export function isPastAbsoluteLifetime(authTime: number | undefined, maxHours: number, nowSeconds: number): boolean {
  if (typeof authTime !== "number") return true;
  return nowSeconds >= authTime + maxHours * 3600;
}

/** Refresh the idle expiry at most once a minute, so that a busy page does not rewrite cookies constantly. */
export const REFRESH_AFTER_SECONDS = 60;

export function shouldRefresh(exp: number | undefined, idleMinutes: number, nowSeconds: number): boolean {
  if (typeof exp !== "number") return false;
  const issuedAt = exp - idleMinutes * 60;
  return nowSeconds - issuedAt >= REFRESH_AFTER_SECONDS;
}
