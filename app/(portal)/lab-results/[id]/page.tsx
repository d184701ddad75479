import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LiveStatus } from "@/components/lab-results/live-status";
import { QueryProvider } from "@/components/providers/query-provider";
import { LabResultFhirLink, ReportHl7Link } from "@/components/exports/export-links";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { AuditTrail } from "@/components/admin/audit-trail";
import { listAuditEventsForReport } from "@/db/queries/audit";
import { getLabResultForUser } from "@/db/queries/lab-results";
import { getReviewedAt } from "@/db/queries/report-read-marks";
import { listReportsForLabResult } from "@/db/queries/reports";
import { ReviewButton } from "@/components/lab-results/review-button";
import { HeldActions } from "@/components/lab-results/held-actions";
import { PdfViewer } from "@/components/reports/pdf-viewer";
import { getLabResultGuard, type LabResultGuardView } from "@/db/queries/guard";
import { confirmHeldLabResultAction, markReportReviewedAction, removeHeldLabResultAction } from "../actions";
import { openRecordPage } from "../../record-page";
import { setLabResultFlagAction } from "../flag-actions";
import { FlagBadge } from "@/components/inbox/flag-badge";
import { FlagForm } from "@/components/inbox/flag-form";
import { formatDateTime } from "@/lib/format";
import { ABANDONED_ATTEMPT_MESSAGE } from "@/lib/domain";

export const metadata: Metadata = { title: "Lab result" };

/** What the wrong-patient guard made of the uploaded PDF, in a sentence. */
function guardSummary(guard: LabResultGuardView | undefined): string {
  switch (guard?.outcome) {
    case "matched":
      return "Checked: the PDF's text names the patient.";
    case "not_checked":
      return guard.reason?.startsWith("Not checked: the PDF has no text")
        ? "Not checked (no text in the PDF)."
        : (guard.reason ?? "Not checked.");
    case "off":
      return "Not checked (the check is off for this lab).";
    case "needs_confirmation":
      return guard.confirmedBy || guard.confirmedAt
        ? `Confirmed by ${guard.confirmedBy ?? "a former member"}${guard.confirmedAt ? ` on ${formatDateTime(guard.confirmedAt)}` : ""}. ${guard.reason ?? ""}`
        : "Needs confirmation.";
    default:
      return "Not checked (uploaded before the check existed).";
  }
}

const outcomeLabels: Record<string, string> = {
  accepted: "Accepted",
  rejected: "Rejected",
  transient: "Temporary failure",
};

export default async function LabResultPage({ params }: { params: Promise<{ id: string }> }) {
  const { user, id, db, scope } = await openRecordPage(params);
  const result = await getLabResultForUser(db, scope, id);
  if (!result) notFound();
  const reports = await listReportsForLabResult(db, scope, result.id);
  const guard = await getLabResultGuard(db, scope, result.id);
  const held = result.status === "needs_confirmation";
  const canManage = user.role === "technician" || user.role === "admin";
  const reviewed = await getReviewedAt(
    db,
    scope,
    reports.map((r) => r.id),
  );
  const reportAccess =
    user.role === "admin"
      ? await Promise.all(
          reports.map(async (r) => ({ report: r, rows: await listAuditEventsForReport(db, scope, r.id) })),
        )
      : [];
  const documentUrl = `/api/lab-results/${result.id}/document`;
  return (
    <>
      <PageHeader
        title={`Accession ${result.accessionNumber}`}
        description={`${result.patientFamilyName}, ${result.patientGivenName} (${result.patientExternalId}) · ${result.mode === "interpret" ? "Interpret" : "Store only"}`}
        actions={
          <Link href="/lab-results" className={buttonClasses("secondary")}>
            All lab results
          </Link>
        }
      />
      {held ? (
        <section
          aria-labelledby="held-heading"
          className="mb-6 rounded-lg border-2 border-amber-400 bg-amber-50 p-4"
          data-testid="needs-confirmation"
        >
          <h2 id="held-heading" className="text-base font-semibold text-amber-950">
            Needs confirmation before it is sent
          </h2>
          <p className="mt-1 text-sm text-amber-950">{guard?.reason ?? "The PDF's text does not name this patient."}</p>
          <p className="mt-1 text-sm text-slate-700">
            Compare the first page below with {result.patientFamilyName}, {result.patientGivenName} (patient id{" "}
            <span className="font-mono">{result.patientExternalId}</span>, accession{" "}
            <span className="font-mono">{result.accessionNumber}</span>). Nothing has been sent to Docus.
          </p>
          {canManage ? (
            <div className="mt-3">
              <HeldActions
                labResultId={result.id}
                confirm={confirmHeldLabResultAction}
                remove={removeHeldLabResultAction}
              />
            </div>
          ) : (
            <p className="mt-3 text-sm text-slate-700">A technician or admin of the lab confirms or removes it.</p>
          )}
          <div className="mt-4">
            <PdfViewer src={documentUrl} title="Uploaded PDF, first page" />
          </div>
        </section>
      ) : null}
      <section aria-labelledby="status-heading" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="status-heading" className="mb-2 text-base font-semibold">
          Status
        </h2>
        <QueryProvider>
          <LiveStatus
            initial={{
              id: result.id,
              status: result.status,
              attempts: result.attempts,
              nextAttemptAt: result.nextAttemptAt?.toISOString() ?? null,
              lastError: result.lastError,
            }}
          />
        </QueryProvider>
        <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-600">Submitted</dt>
            <dd>
              {formatDateTime(result.createdAt)}
              {result.submittedBy ? ` by ${result.submittedBy}` : ""}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Accepted by Docus</dt>
            <dd>
              {result.acceptedAt
                ? `${formatDateTime(result.acceptedAt)}${result.docusMessage ? ` · “${result.docusMessage}”` : ""}`
                : "Not yet"}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Wrong-patient check</dt>
            <dd data-testid="guard-summary">{guardSummary(guard)}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Lab flag</dt>
            <dd>
              {canManage ? (
                <FlagForm labResultId={result.id} flag={result.flag} action={setLabResultFlagAction} />
              ) : (
                <FlagBadge flag={result.flag} showNone />
              )}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Notes sent with it</dt>
            <dd>{result.notes ?? "None"}</dd>
          </div>
          <div>
            <dt className="text-slate-600">File</dt>
            <dd>
              {result.fileName} · {(result.sizeBytes / 1024).toFixed(0)} KB
              <span className="block break-all font-mono text-xs text-slate-500">SHA-256 {result.sha256}</span>
            </dd>
          </div>
        </dl>
        <div className="mt-4 flex gap-3">
          <a href={documentUrl} target="_blank" rel="noopener" className={buttonClasses("secondary")}>
            Open original PDF
          </a>
          <a href={`${documentUrl}?download=1`} className={buttonClasses("secondary")}>
            Download
          </a>
          <LabResultFhirLink labResultId={result.id} accession={result.accessionNumber} />
        </div>
      </section>
      <section aria-labelledby="reports-heading" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="reports-heading" className="mb-2 text-base font-semibold">
          Interpretation reports
        </h2>
        {reports.length === 0 ? (
          <p className="text-sm text-slate-600">
            {result.mode === "store_only"
              ? "Stored only: Docus does not return a report for this lab result."
              : "No report yet. It appears here as soon as Docus delivers it."}
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {reports.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
                <span>
                  <span className="font-medium">Version {r.version}</span>
                  {r.superseded ? (
                    <span className="ml-2 text-slate-500">(superseded)</span>
                  ) : (
                    <span className="ml-2 text-emerald-700">(current)</span>
                  )}
                  <span className="ml-2 text-slate-600">
                    received {formatDateTime(r.receivedAt)} · {r.fileName}
                  </span>
                </span>
                <span className="flex flex-wrap items-center gap-2">
                  {user.role === "doctor" ? (
                    reviewed.get(r.id) ? (
                      <span className="text-sm text-emerald-700">
                        Reviewed by you {formatDateTime(reviewed.get(r.id) as Date)}
                      </span>
                    ) : (
                      <ReviewButton reportId={r.id} version={r.version} action={markReportReviewedAction} />
                    )
                  ) : null}
                  <Link
                    href={`/reports/${r.id}`}
                    className={buttonClasses(r.superseded ? "secondary" : "primary", "py-1.5")}
                  >
                    Open report<span className="sr-only"> version {r.version}</span>
                  </Link>
                  <a href={`/api/reports/${r.id}/document?download=1`} className={buttonClasses("secondary", "py-1.5")}>
                    Download<span className="sr-only"> report version {r.version}</span>
                  </a>
                  <ReportHl7Link reportId={r.id} version={r.version} compact />
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="attempts-heading">
        <h2 id="attempts-heading" className="mb-3 text-lg font-semibold">
          Attempt history
        </h2>
        {result.attemptHistory.length === 0 ? (
          <p className="text-sm text-slate-600">
            {held
              ? "Not sent: it waits for a person to confirm it."
              : result.status === "cancelled"
                ? "Never sent."
                : "Not sent yet: the first attempt is queued."}
          </p>
        ) : (
          <Table caption="Attempts to send this lab result to Docus">
            <thead>
              <tr>
                <Th>#</Th>
                <Th>Started</Th>
                <Th>Outcome</Th>
                <Th>HTTP status</Th>
                <Th>Message</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {result.attemptHistory.map((a) => (
                <tr key={`${a.attempt}-${a.startedAt.toISOString()}`}>
                  <Td>{a.attempt}</Td>
                  <Td>{formatDateTime(a.startedAt)}</Td>
                  <Td>
                    {a.message === ABANDONED_ATTEMPT_MESSAGE
                      ? "Abandoned"
                      : a.outcome
                        ? outcomeLabels[a.outcome]
                        : a.finishedAt
                          ? "Unknown"
                          : "In progress"}
                  </Td>
                  <Td>{a.httpStatus ?? "—"}</Td>
                  <Td>{a.message ?? ""}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
      {reportAccess.map(({ report, rows }) => (
        <AuditTrail key={report.id} title={`Who accessed report version ${report.version}`} rows={rows} />
      ))}
    </>
  );
}
