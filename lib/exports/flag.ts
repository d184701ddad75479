/**
 * The lab's own flag on a lab result (normal / abnormal / critical), as the exports carry
 * it. Lab results have no flag yet: every caller passes none, which exports as "not
 * flagged"; a flag value plugs in here and both formats follow.
 */

export const labFlags = ["normal", "abnormal", "critical"] as const;
export type LabFlag = (typeof labFlags)[number];

/** HL7 v3 ObservationInterpretation, the code system FHIR R4 and HL7 v2 (table 0078) share. */
export const OBSERVATION_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

type FlagMapping = { code: string; display: string; text: string };

const mapping: Record<LabFlag, FlagMapping> = {
  normal: { code: "N", display: "Normal", text: "Flagged by the laboratory: normal" },
  abnormal: { code: "A", display: "Abnormal", text: "Flagged by the laboratory: abnormal" },
  critical: { code: "AA", display: "Critical abnormal", text: "Flagged by the laboratory: critical" },
};

export const NOT_FLAGGED_TEXT = "Not flagged by the laboratory";

/** The flag's interpretation code (v3 ObservationInterpretation / HL7 v2 table 0078), or null when not flagged. */
export function flagCoding(flag?: LabFlag | null): { code: string; display: string } | null {
  if (!flag) return null;
  const { code, display } = mapping[flag];
  return { code, display };
}

/** The flag in a reader's words (an HL7 TX line, a FHIR conclusion). */
export function flagText(flag?: LabFlag | null): string {
  return flag ? mapping[flag].text : NOT_FLAGGED_TEXT;
}
