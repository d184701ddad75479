import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";

/** The issuer shown in authenticator apps. */
export const TOTP_ISSUER = "Lab Results Portal";

/** Accept the code of the previous and next 30-second step too, for clocks that drift a little. */
const EPOCH_TOLERANCE_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

/** The enrolment QR code as an SVG document (rendered as an image, no script). */
export async function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/** Shows a base32 secret in groups of four, as people type it into an app. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

/**
 * Checks a six-digit code. Returns the time step it belongs to, or null; a step at or
 * before `afterTimeStep` is refused, so that a code is never accepted twice.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  afterTimeStep: number | null,
  epochSeconds?: number,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const result = await verify({
      secret,
      token: code,
      epochTolerance: EPOCH_TOLERANCE_SECONDS,
      ...(afterTimeStep === null ? {} : { afterTimeStep }),
      ...(epochSeconds === undefined ? {} : { epoch: epochSeconds }),
    });
    return result.valid && "timeStep" in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

/** Recovery codes: ten of them, 10 characters from an alphabet without look-alikes, shown as xxxxx-xxxxx. */
const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
export const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = crypto.getRandomValues(new Uint8Array(10));
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Lower-cases and removes spaces, so that "ABCDE FGHJK" matches "abcde-fghjk". */
export function normalizeRecoveryCode(code: string): string {
  const plain = code.toLowerCase().replace(/[^a-z0-9]/g, "");
  return plain.length === 10 ? `${plain.slice(0, 5)}-${plain.slice(5)}` : plain;
}
