import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { AuditTrail } from "@/components/admin/audit-trail";
import { LabResultStatusBadge } from "@/components/lab-results/status-badge";
import { PatientFhirLink } from "@/components/exports/export-links";
import { buttonClasses } from "@/components/ui/button";
import { DateRangeFields } from "@/components/ui/date-range-fields";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listAuditEventsForPatient } from "@/db/queries/audit";
import { listLabResultsForPatient, type PatientTimelineFilter } from "@/db/queries/lab-results";
import { getPatientForUser } from "@/db/queries/patients";
import { listReportsForLabResults } from "@/db/queries/reports";
import { listFlaggedReports, listReportsPendingTextCheckFor } from "@/db/queries/guard";
import { OtherPatientWarning } from "@/components/reports/other-patient-warning";
import { TextCheckPending } from "@/components/reports/text-check-pending";
import { openRecordPage } from "../../record-page";
import { formatDate, formatDateTime } from "@/lib/format";
import { filterRange } from "@/lib/validations/lab-result-filters";

export const metadata: Metadata = { title: "Patient" };

const filterSchema = z.object({
  show: z.enum(["all", "with_report", "waiting", "rejected"]).catch("all"),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
});

const showLabels: Record<PatientTimelineFilter, string> = {
  all: "All",
  with_report: "Has a report",
  waiting: "Waiting for a report",
  rejected: "Rejected or failed",
};

const sexLabels = { female: "Female", male: "Male", other: "Other", unknown: "Unknown" } as const;

export default async function PatientPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { user, id, db, scope } = await openRecordPage(params);
  const patient = await getPatientForUser(db, scope, id);
  if (!patient) notFound();
  const raw = await searchParams;
  const filters = filterSchema.parse({
    show: typeof raw.show === "string" ? raw.show : "all",
    from: typeof raw.from === "string" && raw.from ? raw.from : undefined,
    to: typeof raw.to === "string" && raw.to ? raw.to : undefined,
  });
  const results = await listLabResultsForPatient(db, scope, patient.id, {
    show: filters.show,
    ...filterRange(filters),
  });
  const reports = await listReportsForLabResults(
    db,
    scope,
    results.map((r) => r.id),
  );
  const reportIds = [...reports.values()].flat().map((v) => v.id);
  const flagged = await listFlaggedReports(db, scope, reportIds);
  const textCheckPending = await listReportsPendingTextCheckFor(db, scope, reportIds);
  const accessLog = user.role === "admin" ? await listAuditEventsForPatient(db, scope, patient.id) : null;
  return (
    <>
      <PageHeader
        title={`${patient.familyName}, ${patient.givenName}`}
        description="Every lab result of this patient, newest first, with the interpretation reports Docus returned."
        actions={
          <>
            <PatientFhirLink patientId={patient.id} />
            <Link href="/patients" className={buttonClasses("secondary")}>
              All patients
            </Link>
          </>
        }
      />
      {flagged.size > 0 ? (
        <div
          role="alert"
          data-testid="patient-other-patient-alert"
          className="mb-4 rounded-lg border-2 border-red-400 bg-red-50 p-4 text-sm text-red-900"
        >
          <p className="font-semibold">
            {flagged.size === 1
              ? "An interpretation report of this patient names another patient id"
              : `${flagged.size} interpretation reports of this patient name another patient id`}
          </p>
          <p className="mt-0.5">
            {`The text names patient id ${[...new Set([...flagged.values()].map((f) => f.otherPatientId ?? "unknown"))].join(", ")}, not ${patient.patientId}. Check it before relying on it; it is marked below.`}
          </p>
        </div>
      ) : null}
      <section aria-labelledby="demographics-heading" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="demographics-heading" className="sr-only">
          Demographics
        </h2>
        <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-600">Patient id</dt>
            <dd className="font-mono">{patient.patientId}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Birth date</dt>
            <dd>{patient.birthDate ? formatDate(patient.birthDate) : "—"}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Sex</dt>
            <dd>{sexLabels[patient.sex]}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Last activity</dt>
            <dd>{formatDateTime(patient.lastActivityAt)}</dd>
          </div>
        </dl>
      </section>
      <form
        method="get"
        aria-label="Filter this patient's lab results"
        className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3"
      >
        <div>
          <label htmlFor="show" className="block text-xs font-medium text-slate-700">
            Show
          </label>
          <select
            id="show"
            name="show"
            defaultValue={filters.show}
            className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          >
            {Object.entries(showLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <DateRangeFields from={filters.from} to={filters.to} />
        <button type="submit" className={buttonClasses("secondary", "py-1.5")}>
          Apply
        </button>
      </form>
      {results.length === 0 ? (
        <EmptyState title="No lab results to show">
          {filters.show === "all" && !filters.from && !filters.to
            ? "This patient has no lab results yet."
            : "None match these filters."}
        </EmptyState>
      ) : (
        <ol aria-label="Lab results, newest first" className="space-y-3">
          {results.map((r) => {
            const versions = reports.get(r.id) ?? [];
            return (
              <li key={r.id} className="rounded-lg border border-slate-200 bg-white p-4">
                <div className="flex flex-wrap items-center justify-between gap-3">
                  <div>
                    <p className="font-medium">
                      <Link href={`/lab-results/${r.id}`} className="text-brand-700 underline">
                        Accession {r.accessionNumber}
                      </Link>
                      <span className="ml-2 text-sm text-slate-600">
                        {formatDateTime(r.createdAt)} · {r.mode === "interpret" ? "Interpret" : "Store only"} ·{" "}
                        {r.fileName}
                      </span>
                    </p>
                    {r.lastError && (r.status === "rejected" || r.status === "failed") ? (
                      <p className="text-sm text-red-700">{r.lastError}</p>
                    ) : null}
                  </div>
                  <div className="flex items-center gap-2">
                    <LabResultStatusBadge status={r.status} />
                    <a
                      href={`/api/lab-results/${r.id}/document`}
                      target="_blank"
                      rel="noopener"
                      className={buttonClasses("secondary", "py-1.5")}
                    >
                      Original PDF<span className="sr-only"> of accession {r.accessionNumber}</span>
                    </a>
                  </div>
                </div>
                {versions.length > 0 ? (
                  <ul className="mt-3 divide-y divide-slate-100 border-t border-slate-100">
                    {versions.map((v) => (
                      <li key={v.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                        <span>
                          Interpretation report, version {v.version}{" "}
                          {v.superseded ? (
                            <span className="text-slate-500">(superseded)</span>
                          ) : (
                            <span className="text-emerald-700">(current)</span>
                          )}
                          <span className="ml-2 text-slate-600">received {formatDateTime(v.receivedAt)}</span>
                        </span>
                        <span className="flex gap-2">
                          <Link
                            href={`/reports/${v.id}`}
                            className={buttonClasses(v.superseded ? "secondary" : "primary", "py-1.5")}
                          >
                            Open report
                            <span className="sr-only">
                              {" "}
                              version {v.version} of accession {r.accessionNumber}
                            </span>
                          </Link>
                          <a
                            href={`/api/reports/${v.id}/document?download=1`}
                            className={buttonClasses("secondary", "py-1.5")}
                          >
                            Download
                            <span className="sr-only">
                              {" "}
                              report version {v.version} of accession {r.accessionNumber}
                            </span>
                          </a>
                        </span>
                        {flagged.has(v.id) ? (
                          <div className="w-full">
                            <OtherPatientWarning
                              compact
                              otherPatientId={flagged.get(v.id)?.otherPatientId ?? null}
                              reason={flagged.get(v.id)?.reason ?? null}
                            />
                          </div>
                        ) : null}
                        {textCheckPending.has(v.id) ? (
                          <div className="w-full">
                            <TextCheckPending compact />
                          </div>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      {accessLog ? <AuditTrail title="Who accessed this patient's documents" rows={accessLog} /> : null}
    </>
  );
}
