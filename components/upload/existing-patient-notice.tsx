import { Button } from "@/components/ui/button";
import type { PatientSummary } from "./upload-model";

export type ExistingPatientNoticeProps = { patient: PatientSummary; onUse: () => void };

/** Shown when a "new" patient's id is one the lab already has with other details. */
export function ExistingPatientNotice({ patient, onUse }: ExistingPatientNoticeProps) {
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <p>
        The lab already has patient id {patient.patientId}: {patient.familyName}, {patient.givenName}
        {patient.birthDate ? `, born ${patient.birthDate}` : ""}.
      </p>
      <Button type="button" variant="secondary" className="mt-2 px-2 py-1" onClick={onUse}>
        Use this existing patient
      </Button>
    </div>
  );
}
