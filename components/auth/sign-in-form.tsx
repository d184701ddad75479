"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { sameOriginPath } from "@/lib/request";
import { isSecondStepFailure, secondStepMessages, type SecondStep } from "@/lib/two-factor-messages";
import { signInSchema } from "@/lib/validations/auth";

type FieldErrors = Partial<Record<"email" | "password", string>>;

/**
 * Posts the credentials to next-auth itself (rather than through next-auth/react's
 * signIn), so that a rate-limited attempt's 429 and its Retry-After reach the person.
 */
async function postCredentials(
  email: string,
  password: string,
  code: string | null,
): Promise<"ok" | "invalid" | { limited: string } | { secondStep: Exclude<SecondStep, "ok"> } | "error"> {
  const csrf = await fetch("/api/auth/csrf", { cache: "no-store" });
  if (!csrf.ok) return "error";
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Auth-Return-Redirect": "1" },
    body: new URLSearchParams({ email, password, ...(code === null ? {} : { code }), csrfToken, json: "true" }),
  });
  if (response.status === 429) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    return { limited: body?.error?.message ?? "Too many failed sign-in attempts. Try again later." };
  }
  if (response.status === 401) {
    // A correct password whose second step is missing or wrong names the reason in the error URL.
    const body = (await response.json().catch(() => null)) as { url?: string } | null;
    const reason = body?.url ? new URL(body.url, window.location.origin).searchParams.get("error") : null;
    return isSecondStepFailure(reason) ? { secondStep: reason } : "invalid";
  }
  if (!response.ok) return "error";
  const { url } = (await response.json()) as { url?: string };
  if (!url || new URL(url, window.location.origin).searchParams.has("error")) return "invalid";
  return "ok";
}

export function SignInForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | undefined>(notice);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [askCode, setAskCode] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      const errors = parsed.error.flatten().fieldErrors;
      setFieldErrors({ email: errors.email?.[0], password: errors.password?.[0] });
      setMessage(undefined);
      return;
    }
    setFieldErrors({});
    setPending(true);
    setMessage(undefined);
    try {
      const code = askCode ? String(form.get("code") ?? "") : null;
      const outcome = await postCredentials(parsed.data.email, parsed.data.password, code);
      if (outcome === "ok") {
        router.replace(sameOriginPath(callbackUrl, window.location.origin));
        router.refresh();
        return;
      }
      if (typeof outcome === "object" && "secondStep" in outcome) {
        setAskCode(true);
        // The first request only learns that a code is needed: say so without calling it an error.
        setMessage(
          askCode || outcome.secondStep !== "two_factor_required" ? secondStepMessages[outcome.secondStep] : undefined,
        );
        setPending(false);
        return;
      }
      setMessage(
        outcome === "invalid"
          ? "The email or password is incorrect."
          : outcome === "error"
            ? "Sign-in is not available right now. Try again in a moment."
            : outcome.limited,
      );
    } catch {
      setMessage("Sign-in is not available right now. Check your connection and try again.");
    }
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-800">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          aria-invalid={fieldErrors.email ? true : undefined}
          aria-describedby={fieldErrors.email ? "email-error" : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm"
        />
        {fieldErrors.email ? (
          <p id="email-error" className="mt-1 text-sm text-red-700">
            {fieldErrors.email}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-800">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={fieldErrors.password ? true : undefined}
          aria-describedby={fieldErrors.password ? "password-error" : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm"
        />
        {fieldErrors.password ? (
          <p id="password-error" className="mt-1 text-sm text-red-700">
            {fieldErrors.password}
          </p>
        ) : null}
      </div>
      {askCode ? (
        <div>
          <label htmlFor="code" className="block text-sm font-medium text-slate-800">
            Authentication code
          </label>
          <input
            id="code"
            name="code"
            type="text"
            inputMode="text"
            autoComplete="one-time-code"
            autoFocus
            required
            aria-describedby="code-hint"
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm shadow-sm"
          />
          <p id="code-hint" className="mt-1 text-xs text-slate-600">
            The six digits your authenticator app shows, or one of your recovery codes.
          </p>
        </div>
      ) : null}
      <div role="alert" aria-live="assertive" className="min-h-5 text-sm text-red-700">
        {message}
      </div>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
