import { formatDate } from "@/lib/format";
import type { PatientSummary } from "./upload-model";

export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const clockTime = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** HH:MM:SS in the technician's own time zone. */
export function formatClockTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : clockTime.format(date);
}

/** "Family, Given · patient id · birth date", the way a patient is shown everywhere in the form. */
export function describePatient(patient: PatientSummary): { name: string; details: string } {
  const birth = patient.birthDate ? formatDate(patient.birthDate) : "no birth date";
  return { name: `${patient.familyName}, ${patient.givenName}`, details: `${patient.patientId} · ${birth}` };
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
