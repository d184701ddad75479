import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getDb } from "@/db";
import { authOptions } from "@/lib/account/auth-options";
import { AppError, errorResponse } from "@/lib/errors";
import { readCredentialFields, takeSignInAttempt } from "@/lib/account/sign-in-rate-limit";
import { clientIp } from "@/lib/request";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

function handler(request: NextRequest, context: Context): Promise<Response> {
  return NextAuth(request, context, authOptions()) as Promise<Response>;
}

export async function GET(request: NextRequest, context: Context): Promise<Response> {
  return handler(request, context);
}

/**
 * Sign-in attempts are throttled before next-auth sees them: each one takes a point (5
 * per account in 15 minutes, 30 per address in a minute; a success gives the account's
 * back), and one over the limit answers 429 with Retry-After. (next-auth's credentials
 * flow itself can only answer 401.) The email is read as next-auth reads it, and a form
 * that repeats a credential field is refused, so both always speak of one account.
 */
export async function POST(request: NextRequest, context: Context): Promise<Response> {
  const { nextauth } = await context.params;
  if (nextauth[0] === "callback" && nextauth[1] === "credentials") {
    try {
      const fields = readCredentialFields(request.headers.get("content-type"), await request.clone().text());
      if (!fields.ok) throw new AppError("invalid", "Send each sign-in field once.");
      const decision = await takeSignInAttempt(
        await getDb(),
        fields.email,
        clientIp((name) => request.headers.get(name)),
      );
      if (decision.limited) {
        const minutes = Math.ceil(decision.retryAfterSeconds / 60);
        throw new AppError(
          "rate_limited",
          `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
          { "Retry-After": String(decision.retryAfterSeconds) },
        );
      }
    } catch (error) {
      return errorResponse(error instanceof TypeError ? new AppError("invalid") : error);
    }
  }
  return handler(request, context);
}
