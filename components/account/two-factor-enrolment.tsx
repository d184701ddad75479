"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/errors";

type EnrolmentResult = ActionResult & { secret?: string; qrDataUrl?: string; recoveryCodes?: string[] };
type Action = (state: EnrolmentResult, formData: FormData) => Promise<EnrolmentResult>;

export type TwoFactorEnrolmentProps = { begin: Action; confirm: Action; continueHref: string };

/**
 * Three steps, each reachable by keyboard alone: start, scan (or type the secret) and
 * confirm with a code, then keep the recovery codes.
 */
export function TwoFactorEnrolment({ begin, confirm, continueHref }: TwoFactorEnrolmentProps) {
  const [started, beginAction, beginning] = useActionState(begin, { status: "idle" });
  const [confirmed, confirmAction, confirming] = useActionState(confirm, { status: "idle" });

  if (confirmed.recoveryCodes) {
    return (
      <section aria-labelledby="recovery-heading" className="space-y-3">
        <h2 id="recovery-heading" className="text-lg font-semibold">
          Your recovery codes
        </h2>
        <p role="status" className="text-sm text-emerald-800">
          {confirmed.message}
        </p>
        <p className="text-sm text-slate-700">
          Keep these somewhere safe. Each one signs you in once if you lose your phone. They are shown only now.
        </p>
        <ul
          aria-label="Recovery codes"
          className="grid grid-cols-2 gap-2 rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-sm"
        >
          {confirmed.recoveryCodes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
        <Link
          href={continueHref}
          className="inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          I have saved them: continue
        </Link>
      </section>
    );
  }

  if (!started.secret) {
    return (
      <form action={beginAction} className="space-y-3">
        <p className="text-sm text-slate-700">
          You need an authenticator app on your phone (for example one from your phone&apos;s maker, or any app that
          reads TOTP QR codes).
        </p>
        <Button type="submit" disabled={beginning}>
          Set up two-factor sign-in
        </Button>
        <p role="status" aria-live="polite" className="text-sm text-red-700">
          {started.message}
        </p>
      </form>
    );
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start gap-6">
        {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made on the server; nothing to optimise */}
        <img
          src={started.qrDataUrl}
          alt="QR code to scan with your authenticator app"
          width={192}
          height={192}
          className="rounded-md border border-slate-200"
        />
        <div className="max-w-sm space-y-2 text-sm text-slate-700">
          <p>Scan the QR code with your app, or type this key into it:</p>
          <p>
            <code
              aria-label="Secret key"
              data-testid="totp-secret"
              className="rounded bg-slate-100 px-2 py-1 font-mono text-base tracking-wider text-slate-900"
            >
              {started.secret}
            </code>
          </p>
        </div>
      </div>
      <form action={confirmAction} className="space-y-2">
        <label htmlFor="enrol-code" className="block text-sm font-medium text-slate-800">
          Code from your app
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <input
            id="enrol-code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            aria-describedby="enrol-code-status"
            className="w-40 rounded-md border border-slate-300 px-3 py-2 font-mono text-sm shadow-sm"
          />
          <Button type="submit" disabled={confirming}>
            Turn on two-factor sign-in
          </Button>
        </div>
        <p id="enrol-code-status" role="status" aria-live="polite" className="text-sm text-red-700">
          {confirmed.message}
        </p>
      </form>
    </div>
  );
}
