import { z } from "zod";
import { decodeStrictBase64 } from "../bytes.ts";

/**
 * The Docus wire contract (docs/docus-contract.md): the two JSON bodies, as zod schemas, used by
 * the portal's client and delivery parser and by the simulated Docus alike, so that a
 * change on one side that the other does not follow is a type error. The field names
 * and aliases here are the assumptions a partner with the exact spec corrects.
 *
 * The simulator loads this file with Node's type stripping: relative imports with `.ts`
 * and erasable syntax only.
 */

// ---------------------------------------------------------------------------------------
// Section 1: submit lab results (portal -> Docus)

export type SubmissionEndpoint = "/lab-results" | "/lab-results/not-interpret";

const PDF_HEADER = "%PDF-";

function nonBlank(value: string): boolean {
  return value.trim() !== "";
}

/** A PDF's bytes, as Docus checks them: the start of the decoded content only. */
function decodesToPdf(content: string): boolean {
  const bytes = decodeStrictBase64(content);
  return bytes === null || bytes.subarray(0, PDF_HEADER.length).toString("latin1") === PDF_HEADER;
}

const patientIdMessage = "patient_id is required and must be a non-empty string.";
const fileNameMessage = "file_base64.file_name must be a non-empty string.";
const contentMessage = "file_base64.content must be a non-empty base64 string.";

/**
 * A submission body. Each failure is named in Docus's words (the first issue is the
 * message a 400 carries); the rules that need the endpoint are in submissionRuleViolation.
 */
export const submissionBodySchema = z.object(
  {
    patient_id: z.string({ error: patientIdMessage }).refine(nonBlank, { error: patientIdMessage }),
    reference_id: z.string({ error: "reference_id must be a string." }).optional(),
    partner_lab_id: z.string({ error: "partner_lab_id must be a string." }).optional(),
    data: z.string({ error: "data must be a string." }).optional(),
    // Optional by default; Docus requires them when patient- or doctor-facing reports are on (docs/docus-contract.md, section 1).
    patient_email: z.email({ error: "patient_email must be an e-mail address." }).optional(),
    physician_email: z.email({ error: "physician_email must be an e-mail address." }).optional(),
    file_base64: z
      .object(
        {
          mime_type: z.literal("application/pdf", { error: 'file_base64.mime_type must be "application/pdf".' }),
          content: z
            .string({ error: contentMessage })
            .min(1, { error: contentMessage })
            .refine((content) => content === "" || decodeStrictBase64(content) !== null, {
              error: "file_base64.content is not valid base64.",
            })
            .refine(decodesToPdf, { error: "file_base64.content is not a PDF (it does not start with %PDF-)." }),
          file_name: z.string({ error: fileNameMessage }).refine(nonBlank, { error: fileNameMessage }),
        },
        { error: "file_base64 must be an object with mime_type, content and file_name." },
      )
      .optional(),
  },
  { error: "The request body must be a JSON object." },
);

/** The JSON body the portal sends and Docus accepts. */
export type SubmissionBody = z.input<typeof submissionBodySchema>;

/** The rules of section 1 that depend on the endpoint, or null when the body keeps them. */
export function submissionRuleViolation(
  endpoint: SubmissionEndpoint,
  body: z.output<typeof submissionBodySchema>,
): string | null {
  if (endpoint === "/lab-results/not-interpret" && !body.file_base64) {
    return "file_base64 is required for /lab-results/not-interpret.";
  }
  const hasData = typeof body.data === "string" && nonBlank(body.data);
  if (!hasData && !body.file_base64) return "At least one of data or file_base64 must be provided.";
  return null;
}

// ---------------------------------------------------------------------------------------
// Section 2: interpretation report delivery (Docus -> portal)

const ID_MAX = 128;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

const typeError = (field: string, expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${field} is required` : `${field} must be ${expected}`;

/** An identifier: trimmed, no control characters (Postgres refuses NUL in text). */
function identifier(field: string) {
  return z
    .string({ error: typeError(field, "a string") })
    .trim()
    .max(ID_MAX, { error: `${field} must be at most ${ID_MAX} characters` })
    .refine((value) => !CONTROL_CHARS.test(value), { error: `${field} must not contain control characters` });
}

function optionalIdentifier(field: string) {
  return identifier(field)
    .nullish()
    .transform((value) => (value ? value : null));
}

const optionalText = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .nullish()
    .transform((value) => value ?? null);

export const deliveryBodySchema = z.object({
  patient_id: identifier("patient_id").min(1, { error: "patient_id is required" }),
  reference_id: optionalIdentifier("reference_id"),
  accession_number: optionalIdentifier("accession_number"),
  partner_lab_id: optionalIdentifier("partner_lab_id"),
  file_base64: z
    .object(
      {
        mime_type: optionalText("file_base64.mime_type"),
        content: z.string({ error: typeError("file_base64.content", "a base64 string") }),
        file_name: optionalText("file_base64.file_name"),
      },
      { error: "file_base64 must be an object with mime_type, content and file_name" },
    )
    .nullish()
    .transform((value) => value ?? null),
  report_base64: z
    .string({ error: "report_base64 must be a base64 string" })
    .nullish()
    .transform((value) => value ?? null),
});

/** A delivery body as Docus sends it (the aliases included). */
export type DeliveryBody = z.input<typeof deliveryBodySchema>;
