import type { Metadata } from "next";
import Link from "next/link";
import { NewPasswordForm } from "@/components/auth/new-password-form";
import { getDb } from "@/db";
import { inspectPasswordLink } from "@/lib/account/passwords";
import { setPasswordAction } from "../actions";

export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer" };

export default async function SetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const state = await inspectPasswordLink(await getDb(), token);
  return (
    <main id="main" className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="mb-2 text-center text-2xl font-semibold text-slate-900">Set your password</h1>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          {state.usable ? (
            <>
              <p className="mb-4 text-sm text-slate-700">
                For <strong>{state.email}</strong>. This link works once.
              </p>
              <NewPasswordForm hidden={{ token }} submitLabel="Set password" action={setPasswordAction} />
            </>
          ) : (
            <>
              <p role="alert" className="text-sm text-red-700">
                {state.message}
              </p>
              <p className="mt-4 text-sm">
                <Link href="/sign-in" className="text-brand-700 underline">
                  Go to sign-in
                </Link>
              </p>
            </>
          )}
        </div>
      </div>
    </main>
  );
}
