"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { sameOriginPath } from "@/lib/request";
import { isSecondStepFailure, secondStepMessages, type SecondStep } from "@/lib/account/two-factor-messages";
import { signInSchema } from "@/lib/account/sign-in-schema";

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
      <FormField id="email" label="Email" error={fieldErrors.email}>
        {(control) => <input {...control} name="email" type="email" autoComplete="username" required />}
      </FormField>
      <FormField id="password" label="Password" error={fieldErrors.password}>
        {(control) => <input {...control} name="password" type="password" autoComplete="current-password" required />}
      </FormField>
      {askCode ? (
        <FormField
          id="code"
          label="Authentication code"
          hint="The six digits your authenticator app shows, or one of your recovery codes."
          controlClassName="font-mono"
        >
          {(control) => (
            <input
              {...control}
              name="code"
              type="text"
              inputMode="text"
              autoComplete="one-time-code"
              autoFocus
              required
            />
          )}
        </FormField>
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
