import { formatDate } from "@/lib/format";
import type { PatientSummary } from "./upload-model";

/** "Family, Given · patient id · birth date", the way a patient is shown everywhere in the form. */
export function describePatient(patient: PatientSummary): { name: string; details: string } {
  const birth = patient.birthDate ? formatDate(patient.birthDate) : "no birth date";
  return { name: `${patient.familyName}, ${patient.givenName}`, details: `${patient.patientId} · ${birth}` };
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
