import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { clientIp } from "@/lib/request";
import { enterPin } from "@/lib/share/links";
import { VIEWER_COOKIE, isShareToken, sharePath } from "@/lib/share/tokens";

/**
 * The PIN of a share link (public: no session; the token and PIN are the authority). A
 * plain form POST, answered with a redirect back to the link's page (303, so a reload does
 * not post again). A right PIN sets the viewer cookie: signed, httpOnly, SameSite=Strict,
 * scoped to this link's path, for minutes. Rate-limited, audited (lib/share/links.ts).
 */

const MAX_BODY = 1024;

export async function POST(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const ip = clientIp((name) => request.headers.get(name));
  // The page of a malformed token is the same "link does not work" page, found at a safe path.
  const page = new URL(isShareToken(token) ? sharePath(token) : "/s/invalid", request.nextUrl.origin);
  const to = (query: Record<string, string> = {}) => {
    const target = new URL(page);
    for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
    const response = NextResponse.redirect(target, 303);
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Referrer-Policy", "no-referrer");
    return response;
  };

  let pin: unknown = null;
  const type = request.headers.get("content-type") ?? "";
  if (/^application\/x-www-form-urlencoded\b/i.test(type) || /^multipart\/form-data\b/i.test(type)) {
    const length = Number(request.headers.get("content-length") ?? "0");
    if (length > MAX_BODY) return to({ pin: "invalid" });
    try {
      pin = (await request.formData()).get("pin");
    } catch {
      pin = null;
    }
  }
  if (typeof pin === "string") pin = pin.trim();

  const outcome = await enterPin(await getDb(), token, pin, ip);
  switch (outcome.kind) {
    case "ok": {
      const response = to();
      response.cookies.set(VIEWER_COOKIE, outcome.cookie, {
        httpOnly: true,
        sameSite: "strict",
        secure: getEnv().NEXTAUTH_URL.startsWith("https://"),
        path: sharePath(token),
        maxAge: outcome.cookieMaxAgeSeconds,
      });
      return response;
    }
    case "wrong":
      return to(
        typeof pin === "string" && /^\d{6}$/.test(pin)
          ? { pin: "wrong", left: String(outcome.attemptsLeft) }
          : { pin: "invalid" },
      );
    case "rate_limited": {
      const response = to({ wait: "1" });
      response.headers.set("Retry-After", String(outcome.retryAfterSeconds));
      return response;
    }
    default:
      return to();
  }
}
