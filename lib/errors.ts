import { describeError } from "./error-chain";

/**
 * Expected failures carry a code; route handlers map the code to an HTTP status and a
 * message that is safe to show. Anything else becomes a generic 500 without details.
 */
export const errorStatus = {
  unauthenticated: 401,
  forbidden: 403,
  two_factor_required: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

const defaultMessages: Record<ErrorCode, string> = {
  unauthenticated: "Sign in to continue.",
  forbidden: "You do not have access to this.",
  two_factor_required:
    "Set up two-factor sign-in first (Account, Two-factor sign-in); until then only the account pages are open.",
  not_found: "Not found.",
  invalid: "The request is not valid.",
  conflict: "This conflicts with existing data.",
  payload_too_large: "The request is too large.",
  unsupported_media_type: "Unsupported content type.",
  unprocessable: "The request could not be processed.",
  rate_limited: "Too many attempts. Try again later.",
  unavailable: "The service is temporarily unavailable. Try again shortly.",
  internal: "Something went wrong on our side.",
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    public readonly code: ErrorCode,
    message?: string,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message ?? defaultMessages[code]);
    this.name = "AppError";
    this.status = errorStatus[code];
  }
}

export { describeError };

/** The JSON response for an error; unknown errors are logged by name only and hidden. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: error.status, headers: { "Cache-Control": "no-store", ...error.headers } },
    );
  }
  console.error(`Unhandled error: ${describeError(error)}`);
  return Response.json(
    { error: { code: "internal", message: defaultMessages.internal } },
    { status: 500, headers: { "Cache-Control": "no-store" } },
  );
}

/** The shared result type of server actions, rendered with useActionState. */
export type ActionResult<TField extends string = string> = {
  status: "idle" | "success" | "invalid" | "error";
  message?: string;
  fieldErrors?: Partial<Record<TField, string[]>>;
};
