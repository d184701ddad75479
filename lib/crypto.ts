import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The portal's hashing and secret comparison, one of each. No imports of the portal's own
 * modules: the simulator and the launcher load this file with Node's type stripping.
 */

/** SHA-256 in lower-case hex, of bytes or of a string's UTF-8. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Whether two secrets (or signatures) are equal, in time that depends on neither. Hashing
 * first gives both sides the same length, so the comparison does not leak that either.
 */
export function constantTimeEqual(given: Uint8Array | string, expected: Uint8Array | string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
