import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getDb } from "@/db";
import { authOptions } from "@/lib/auth-options";
import { AppError, errorResponse } from "@/lib/errors";
import { checkSignInRate } from "@/lib/rate-limit";
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
 * Sign-in attempts are rate limited before next-auth sees them: 5 failures for one
 * account in 15 minutes, or 30 failures from one address in a minute, answer 429 with
 * Retry-After. (next-auth's credentials flow itself can only answer 401.)
 */
export async function POST(request: NextRequest, context: Context): Promise<Response> {
  const { nextauth } = await context.params;
  if (nextauth[0] === "callback" && nextauth[1] === "credentials") {
    try {
      const form = await request.clone().formData();
      const email = form.get("email");
      const decision = await checkSignInRate(
        await getDb(),
        typeof email === "string" ? email : "",
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
