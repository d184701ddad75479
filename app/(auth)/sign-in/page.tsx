import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { BrandMark } from "@/components/shell/brand-mark";
import { getCurrentUser } from "@/lib/account/auth";
import { getEnv } from "@/lib/env";
import { sameOriginPath } from "@/lib/request";

export const metadata: Metadata = { title: "Sign in" };

/** Only paths of the portal's own origin are followed after sign-in (no open redirect). */
function safeCallback(value: string | string[] | undefined): string {
  return sameOriginPath(Array.isArray(value) ? value[0] : value, getEnv().NEXTAUTH_URL);
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
  // Signed in already: on to the page asked for (which sends a user who must still enrol
  // a second factor to enrol; nothing is shown here).
  if (await getCurrentUser({ allowPendingTwoFactor: true })) redirect(callbackUrl);
  const notice =
    params.reason === "expired"
      ? "Your session has ended. Sign in again to continue."
      : params.reason === "password_set"
        ? "Your password is set. Sign in with it."
        : params.reason === "password_changed"
          ? "Your password was changed and your sessions have ended. Sign in with the new password."
          : undefined;
  return (
    <main id="main" className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <BrandMark size="large" />
          <h1 className="mt-4 text-2xl font-semibold text-slate-900">Lab Results Portal</h1>
          <p className="mt-1 text-sm text-slate-600">Sign in to upload lab results and read interpretation reports.</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <SignInForm callbackUrl={callbackUrl} notice={notice} />
        </div>
      </div>
    </main>
  );
}
