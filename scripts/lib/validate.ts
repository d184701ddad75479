import type { z } from "zod";
import { UsageError } from "./cli";

/** Validates CLI input; a failure names the flag: "--email must be a valid email address". */
export function validateCli<S extends z.ZodType>(
  schema: S,
  input: unknown,
  flagNames: Record<string, string> = {},
): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    const flag = flagNames[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return `${flag} ${issue.message}`;
  });
  throw new UsageError(messages.join("; "));
}
