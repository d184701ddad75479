import { buttonClasses } from "@/components/ui/button";

/*
 * Download links for the exports to other systems: FHIR R4 Bundles (lab result, patient
 * history) and HL7 v2 ORU^R01 messages (one per report version). Each route answers with
 * an attachment, so a plain link downloads it.
 */

export function LabResultFhirLink({ labResultId, accession }: { labResultId: string; accession: string }) {
  return (
    <a href={`/api/lab-results/${labResultId}/fhir`} download className={buttonClasses("secondary")}>
      Download FHIR<span className="sr-only"> bundle of accession {accession}</span>
    </a>
  );
}

export function PatientFhirLink({ patientId }: { patientId: string }) {
  return (
    <a href={`/api/patients/${patientId}/fhir`} download className={buttonClasses("secondary")}>
      Download FHIR<span className="sr-only"> history of this patient</span>
    </a>
  );
}

export function ReportHl7Link({
  reportId,
  version,
  compact = false,
}: {
  reportId: string;
  version: number;
  compact?: boolean;
}) {
  return (
    <a
      href={`/api/reports/${reportId}/hl7`}
      download
      className={buttonClasses("secondary", compact ? "py-1.5" : undefined)}
    >
      Download HL7<span className="sr-only"> message of report version {version}</span>
    </a>
  );
}
