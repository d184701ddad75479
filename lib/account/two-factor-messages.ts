/** Outcomes of the second sign-in step; shared by the server and the sign-in form. */
export const secondStepFailures = [
  "two_factor_required",
  "two_factor_invalid",
  "two_factor_limited",
  "two_factor_recovery_used",
] as const;
export type SecondStep = "ok" | (typeof secondStepFailures)[number];

export const secondStepMessages: Record<Exclude<SecondStep, "ok">, string> = {
  two_factor_required: "Enter the six-digit code from your authenticator app, or a recovery code.",
  two_factor_invalid: "That code is not right. Enter the code your app shows now, or a recovery code.",
  two_factor_limited: "Too many wrong codes. Wait 15 minutes, then try again.",
  two_factor_recovery_used: "That recovery code has already been used. Each code works once; use another one.",
};

export function isSecondStepFailure(value: string | null): value is Exclude<SecondStep, "ok"> {
  return (secondStepFailures as readonly string[]).includes(value ?? "");
}
