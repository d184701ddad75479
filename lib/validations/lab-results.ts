import { z } from "zod";
import { labResultFlags, labResultModes } from "@/lib/domain";
import { patientSexes } from "@/lib/domain";

/** Shared by the upload form (browser) and the server action: one set of rules. */

export const accessionNumberSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter the accession number." })
  .max(64, { error: "The accession number is at most 64 characters." })
  .regex(/^[A-Za-z0-9._-]+$/, { error: "Use only letters, digits, '.', '_' and '-' in the accession number." });

export const patientExternalIdSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter the patient id." })
  .max(64, { error: "The patient id is at most 64 characters." })
  .regex(/^[A-Za-z0-9._-]+$/, { error: "Use only letters, digits, '.', '_' and '-' in the patient id." });

const today = () => new Date().toISOString().slice(0, 10);

export const newPatientSchema = z.object({
  patientId: patientExternalIdSchema,
  givenName: z.string().trim().min(1, { error: "Enter the given name." }).max(100),
  familyName: z.string().trim().min(1, { error: "Enter the family name." }).max(100),
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Enter the birth date as YYYY-MM-DD." })
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && v >= "1900-01-01" && v <= today(), {
      error: "Enter a birth date between 1900 and today.",
    }),
  sex: z.enum(patientSexes, { error: "Choose the patient's sex." }),
});

/** The lab's own flag on a lab result; empty means not flagged. */
export const labResultFlagSchema = z
  .union([z.literal(""), z.enum(labResultFlags, { error: "Choose normal, abnormal or critical, or not flagged." })])
  .optional()
  .transform((v) => (v ? v : undefined));

/** An optional e-mail address: empty means not given (then nothing is sent to Docus). */
export const optionalEmailSchema = z
  .string()
  .trim()
  .max(254, { error: "An e-mail address is at most 254 characters." })
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(z.email({ error: "Enter a valid e-mail address, e.g. name@example.org, or leave it empty." }).optional());

/** The two optional addresses Docus accepts with a lab result (docs/docus-contract.md, section 1). */
export const contactEmailsSchema = z.object({
  patientEmail: optionalEmailSchema,
  physicianEmail: optionalEmailSchema,
});

export const uploadFieldsSchema = z.object({
  accessionNumber: accessionNumberSchema,
  mode: z.enum(labResultModes, { error: "Choose Interpret or Store only." }),
  notes: z
    .string()
    .trim()
    .max(4000, { error: "Notes are at most 4000 characters." })
    .optional()
    .transform((v) => (v ? v : undefined)),
  confirmDuplicate: z
    .enum(["0", "1"])
    .optional()
    .transform((v) => v === "1"),
  ...contactEmailsSchema.shape,
  flag: labResultFlagSchema,
});

/** The patient is either an existing one (by our id) or created with the upload. */
export const patientChoiceSchema = z.discriminatedUnion("patientChoice", [
  z.object({ patientChoice: z.literal("existing"), patientRef: z.uuid({ error: "Choose a patient." }) }),
  newPatientSchema.extend({ patientChoice: z.literal("new") }),
]);

/** Browser-side pre-check of a chosen file: name, type and size, before anything is sent. */
export function describeFileProblem(
  file: { name: string; type: string; size: number },
  maxUploadMb: number,
): string | null {
  const isPdfName = file.name.toLowerCase().endsWith(".pdf");
  if (file.type && file.type !== "application/pdf" && !isPdfName) return `${file.name} is not a PDF file.`;
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > maxUploadMb * 1024 * 1024) return `${file.name} is larger than the ${maxUploadMb} MB limit.`;
  return null;
}
