import "server-only";
import { after } from "next/server";
import { getDb, type Db, type Tx } from "@/db";
import {
  findPatientIdsNamed,
  getPatientForGuard,
  getReportForTextCheck,
  isWrongPatientGuardOn,
  recordReportTextCheck,
} from "@/db/queries/guard";
import type { SubmissionInput } from "@/db/queries/lab-result-submissions";
import { saveReportText } from "@/db/queries/system/report-diffs";
import { describeError } from "@/lib/errors";
import { storedTextOf } from "@/lib/reports/diff-job";
import { extractPdfText, type PdfTextLimits } from "@/lib/pdf/text";
import { candidateIdTokens, decideGuard, labelledOtherPatientIds, normaliseId, type GuardDecision } from "./guard";

/**
 * The wrong-patient guard at work: reading an upload's text before it is stored (so that a
 * file that does not name its patient, or names another, is held, not sent), and checking a
 * delivered report's text for another patient's id after it is stored.
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

/**
 * Checks a stored report's text for a patient id other than the one it is attached to: a
 * "Patient ID: X" label whose X differs, or any word that is the id of another patient of
 * the same lab. Records the result on the report. Never throws: a delivery is never
 * refused or lost for this check.
 */
export async function checkDeliveredReport(db: Db, reportId: string, limits?: Partial<PdfTextLimits>): Promise<void> {
  try {
    const report = await getReportForTextCheck(db, reportId);
    if (!report) return;
    const expected = report.attachedPatientId ?? report.deliveredPatientId;
    const text = await extractPdfText(report.bytes, limits);
    // Kept for the comparison of this version with the next (lib/reports/diff-job.ts): read once.
    await saveReportText(db, reportId, storedTextOf(text));
    if (text.kind !== "text") {
      await recordReportTextCheck(db, reportId, {
        result: "not_checked",
        otherPatientId: null,
        reason: text.kind === "no_text" ? "The report has no text to check." : "The report's text could not be read.",
      });
      return;
    }
    const labelled = labelledOtherPatientIds(text.text, expected);
    const known = report.labId
      ? await findPatientIdsNamed(
          db,
          report.labId,
          candidateIdTokens(text.text).filter((t) => t !== normaliseId(expected)),
          expected,
        )
      : [];
    const other = labelled[0] ?? known[0] ?? null;
    await recordReportTextCheck(
      db,
      reportId,
      other === null
        ? { result: "ok", otherPatientId: null, reason: null }
        : {
            result: "other_patient",
            otherPatientId: other,
            reason:
              `This report's text names patient id ${other}` +
              (known.includes(other) ? ", another patient of this lab," : "") +
              ` but it is attached to patient id ${expected}. Check that it belongs to this patient.`,
          },
    );
  } catch (error) {
    console.error(`[guard] could not check a delivered report's text: ${describeError(error)}`);
  }
}

/**
 * The delivery route's one call: checks a newly stored report after the response has gone
 * (Docus's 200 never waits for it). Outside a request (tests, scripts) it checks at once.
 */
export async function checkDeliveredReportAfterResponse(reportId: string): Promise<void> {
  const run = async () => {
    try {
      await checkDeliveredReport(await getDb(), reportId);
    } catch (error) {
      console.error(`[guard] could not check a delivered report's text: ${describeError(error)}`);
    }
  };
  try {
    after(run);
  } catch {
    await run();
  }
}
