import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";
import { MIN_PASSWORD_LENGTH } from "@/lib/account/password-policy";

/** zxcvbn's score runs 0-4; 3 means "safely unguessable" against an offline attack slowed by hashing. */
export const MIN_PASSWORD_SCORE = 3;

let factory: ZxcvbnFactory | undefined;
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return factory;
}

export type PasswordVerdict = { ok: true; score: number } | { ok: false; score: number; message: string };

/**
 * Judges a new password: the minimum length first, then the estimator, whose own advice
 * (what makes it weak, how to do better) becomes the message. `context` holds words the
 * password must not lean on, such as the person's name and email.
 */
export function checkPasswordStrength(password: string, context: string[] = []): PasswordVerdict {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return {
      ok: false,
      score: 0,
      message: `Use at least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a long password that is easy to remember.`,
    };
  }
  const result = estimator().check(
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
