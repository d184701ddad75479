/**
 * The Docus module's public face: everything the rest of the portal may call. Callers
 * import from "@/lib/docus" only, never from the files behind it, which are the only
 * code that knows Docus's field names (their zod schemas: ./contract.ts).
 */

// Submitting lab results (portal -> Docus).
export {
  buildSubmissionBody,
  docusCredentialsFromEnv,
  submissionUrl,
  submitLabResult,
  type DocusCredentials,
  type LabResultSubmission,
  type SubmissionMode,
} from "./client";
export type { SubmissionOutcome } from "./classify";
export { nextAttemptDelayMs, type RetryPolicy } from "./backoff";
export { docusRateLimiterFor, spacingMs, type DocusRateLimiter, type Permit } from "./rate-limit";

// Receiving interpretation reports (Docus -> portal).
export { receiveDelivery, type DeliveryOutcome } from "./delivery/receive";
export { authenticateDelivery, deliveryAuthFromEnv, type DeliveryAuthConfig } from "./delivery/authenticate";
export { parseDelivery, type DeliveryParseResult } from "./delivery/parse";
export { signWebhook } from "./webhook-signature";
