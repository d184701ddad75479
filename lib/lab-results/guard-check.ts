import "server-only";
import type { Db, Tx } from "@/db";
import { findPatientIdsNamed, getPatientForGuard, isWrongPatientGuardOn } from "@/db/queries/guard";
import type { SubmissionInput } from "@/db/queries/lab-result-submissions";
import { candidateIdTokens, decideGuard, type GuardDecision } from "@/lib/guard/rules";
import { extractPdfText, type PdfTextLimits } from "@/lib/pdf/text";

/**
 * The wrong-patient guard at an upload: reading its text before it is stored, so that a
 * file that does not name its patient, or names another, is held, not sent. (The check of
 * a delivered report's text is lib/reports/text-check.ts.)
 */

/**
 * The guard's verdict on one upload, worked out before its transaction (reading text takes
 * time, and a transaction should not wait for it). Nothing is read when the lab has turned
 * the guard off.
 */
export async function checkUpload(
  db: Db | Tx,
  input: Pick<SubmissionInput, "labId" | "patient" | "accessionNumber" | "file">,
  limits?: Partial<PdfTextLimits>,
): Promise<GuardDecision> {
  if (!(await isWrongPatientGuardOn(db, input.labId))) return { outcome: "off", reason: null };
  const patient =
    input.patient.kind === "new" ? input.patient : await getPatientForGuard(db, input.labId, input.patient.id);
  // An unknown patient is refused by the upload's transaction; nothing to check here.
  if (patient === null) return { outcome: "not_checked", reason: null };
  const text = await extractPdfText(input.file.bytes, limits);
  const facts = {
    enabled: true,
    text,
    patientId: patient.patientId,
    familyName: patient.familyName,
    birthDate: patient.birthDate,
    accessionNumber: input.accessionNumber,
  };
  const decision = decideGuard(facts);
  if (decision.outcome !== "needs_confirmation" || text.kind !== "text") return decision;
  // Held: say which other patients of the lab the text names, if any.
  const others = await findPatientIdsNamed(db, input.labId, candidateIdTokens(text.text), patient.patientId);
  return decideGuard({ ...facts, otherPatientIds: others });
}
