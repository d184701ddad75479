import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { MIN_PASSWORD_LENGTH } from "@/lib/account/password-policy";

/** zxcvbn's score runs 0-4; 3 means "safely unguessable" against an offline attack slowed by hashing. */
export const MIN_PASSWORD_SCORE = 3;

let factory: Promise<ZxcvbnFactory> | undefined;
/**
 * The estimator with its dictionaries (some 45 MB in memory), loaded the first time a
 * password is judged: only setting a password needs it, never a sign-in or a page.
 */
function estimator(): Promise<ZxcvbnFactory> {
  factory ??= (async () => {
    const [{ ZxcvbnFactory: Factory }, common, en] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new Factory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  })();
  return factory;
}

export type PasswordVerdict = { ok: true; score: number } | { ok: false; score: number; message: string };

/**
 * Judges a new password: the minimum length first, then the estimator, whose own advice
 * (what makes it weak, how to do better) becomes the message. `context` holds words the
 * password must not lean on, such as the person's name and email.
 */
export async function checkPasswordStrength(password: string, context: string[] = []): Promise<PasswordVerdict> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return {
      ok: false,
      score: 0,
      message: `Use at least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a long password that is easy to remember.`,
    };
  }
  const result = (await estimator()).check(
    password.slice(0, 256),
    context.filter((w) => w.length > 0),
  );
  if (result.score >= MIN_PASSWORD_SCORE) return { ok: true, score: result.score };
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => Boolean(s));
  return {
    ok: false,
    score: result.score,
    message: `This password is too easy to guess. ${advice.length > 0 ? advice.join(" ") : "Add another word or two that are not related to each other."}`,
  };
}
