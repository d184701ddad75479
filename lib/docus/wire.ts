/**
 * The Docus module's second face: the wire contract alone (docs/docus-contract.md), for
 * processes that run without the portal's server code. The Docus simulator runs on Node's
 * own type stripping (no path alias, no react-server condition), and the e2e tests sign
 * deliveries as Docus does; neither can load the module's main face (./index.ts), which
 * brings in the database and `server-only`. So this file and everything it imports use
 * relative imports with `.ts` extensions and import no server code.
 */
export {
  deliveryBodySchema,
  submissionBodySchema,
  submissionRuleViolation,
  type DeliveryBody,
  type SubmissionBody,
  type SubmissionEndpoint,
} from "./contract.ts";
export { parseRetryAfter } from "./classify.ts";
export { signWebhook, verifyWebhook, type WebhookVerification } from "./webhook-signature.ts";
