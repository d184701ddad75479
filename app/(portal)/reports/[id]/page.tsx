import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { z } from "zod";
import { PdfViewer } from "@/components/reports/pdf-viewer";
import { SideBySide } from "@/components/reports/side-by-side";
import { ReportHl7Link } from "@/components/exports/export-links";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { getReportForUser } from "@/db/queries/reports";
import { scopeOf } from "@/db/queries/scope";
import { listFlaggedReports, listReportsPendingTextCheckFor } from "@/db/queries/guard";
import { OtherPatientWarning } from "@/components/reports/other-patient-warning";
import { ReportDiff } from "@/components/reports/report-diff";
import { getReportDiffForUser } from "@/db/queries/report-diffs";
import { requestDiff } from "@/lib/reports/diff-job";
import { ShareLinks, type ShareLinkItem } from "@/components/reports/share-links";
import { getReportForSharing } from "@/db/queries/share-links";
import { listShareLinksForReport } from "@/lib/share/links";
import { describeShareAccess, shareLinkState, shareStateLabels } from "@/lib/share/tokens";
import { createShareLinkAction, revokeShareLinkAction } from "./share-actions";
import { TextCheckPending } from "@/components/reports/text-check-pending";
import { recordDeniedAccess } from "@/lib/audit";
import { requireUser } from "@/lib/account/auth";
import { formatDateTime } from "@/lib/format";
import { formatDuration } from "@/lib/inbox";
import { SignOffPanel } from "@/components/inbox/sign-off-panel";
import { getInboxEntry, getInboxSettings, listLabDoctors } from "@/db/queries/inbox";
import { assignReportAction, copyReportAction, followUpReportAction, signOffReportAction } from "../../inbox/actions";
import { clientIp } from "@/lib/request";

export const metadata: Metadata = { title: "Interpretation report" };

const ORIGINAL_LABEL = "Original lab result";
const REPORT_LABEL = "Interpretation report";

export default async function ReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ from?: string | string[] }>;
}) {
  const user = await requireUser();
  const { id } = await params;
  // ?from=<report id>: compare with that earlier version instead of the one this supersedes.
  const fromParam = z.uuid().safeParse((await searchParams).from);
  const db = await getDb();
  const report = z.uuid().safeParse(id).success ? await getReportForUser(db, scopeOf(user), id) : undefined;
  if (!report) {
    // The viewer of a report this user may not see: one "denied" event, then "not found".
    const requestHeaders = await headers();
    const ip = clientIp((name) => requestHeaders.get(name));
    await recordDeniedAccess(db, {
      action: "report.view",
      userId: user.id,
      labId: user.currentLab?.id ?? null,
      ip,
      requestedId: id,
    });
    notFound();
  }

  const scope = scopeOf(user);
  const flag = (await listFlaggedReports(db, scope, [report.id])).get(report.id);
  const inInbox = user.role === "doctor" || user.role === "admin";
  const [entry, doctors, settings] = inInbox
    ? await Promise.all([getInboxEntry(db, scope, report.id), listLabDoctors(db, scope), getInboxSettings(db, scope)])
    : [undefined, [], null];
  const diff =
    report.version > 1
      ? await getReportDiffForUser(db, scope, report.id, fromParam.success ? fromParam.data : undefined)
      : undefined;
  // A pair never compared (a version stored before comparisons, or another "from"): compared once, by the job.
  if (diff?.state === "missing") {
    await requestDiff({
      fromReportId: diff.fromReportId,
      toReportId: diff.toReportId,
      labId: user.currentLab?.id ?? null,
    });
  }
  const textCheckPending = (await listReportsPendingTextCheckFor(db, scope, [report.id])).has(report.id);
  const reportViewer = <PdfViewer src={`/api/reports/${report.id}/document`} title={REPORT_LABEL} />;
  const canShare = user.role === "doctor" || user.role === "admin";
  const sharing = canShare ? await getReportForSharing(db, scopeOf(user), report.id) : undefined;
  const now = new Date();
  const shareItems: ShareLinkItem[] = sharing
    ? (await listShareLinksForReport(db, scopeOf(user), report.id)).map((link) => ({
        id: link.id,
        audience: link.audience,
        recipient: link.recipient,
        singleUse: link.singleUse,
        createdAt: link.createdAt.toISOString(),
        createdByName: link.createdByName,
        expiresAt: link.expiresAt.toISOString(),
        state:
          shareStateLabels[
            shareLinkState(
              { ...link, labAllows: link.audience === "physician" ? sharing.physicians : sharing.patients },
              now,
            )
          ],
        accesses: link.accesses.map((a) => ({
          at: a.at.toISOString(),
          what: describeShareAccess(a.action, a.outcome),
          ip: a.ip,
        })),
      }))
    : [];
  const patientName = report.patient ? `${report.patient.familyName}, ${report.patient.givenName}` : null;
  return (
    <>
      <PageHeader
        title={report.accessionNumber ? `Report for accession ${report.accessionNumber}` : "Interpretation report"}
        actions={
          <>
            {inInbox ? (
              <Link href="/inbox" className={buttonClasses("secondary")}>
                Inbox
              </Link>
            ) : null}
            {report.labResultId ? (
              <Link href={`/lab-results/${report.labResultId}`} className={buttonClasses("secondary")}>
                Lab result
              </Link>
            ) : null}
            {report.patient ? (
              <Link href={`/patients/${report.patient.id}`} className={buttonClasses("secondary")}>
                Patient
              </Link>
            ) : null}
            {report.labResultId ? <ReportHl7Link reportId={report.id} version={report.version} /> : null}
          </>
        }
      />
      {flag ? <OtherPatientWarning otherPatientId={flag.otherPatientId} reason={flag.reason} /> : null}
      {textCheckPending ? <TextCheckPending /> : null}
      {entry && settings ? (
        <SignOffPanel
          reportId={entry.reportId}
          version={entry.version}
          flag={entry.flag}
          isDoctor={user.role === "doctor"}
          canAssign={user.role === "doctor" || user.role === "admin"}
          userId={user.id}
          awaitingSignOff={entry.awaitingSignOff}
          state={entry.viewedByOwner ? "viewed" : "new"}
          owner={entry.ownerId ? { id: entry.ownerId, name: entry.ownerName ?? "A former member" } : null}
          copies={entry.copies}
          doctors={doctors.map((d) => ({ id: d.id, name: d.name }))}
          followUp={
            entry.followUp
              ? { note: entry.followUp.note, byName: entry.followUp.byName, atLabel: formatDateTime(entry.followUp.at) }
              : null
          }
          signOff={
            entry.signOff
              ? {
                  byName: entry.signOff.signedOffByName,
                  atLabel: formatDateTime(entry.signOff.signedOffAt),
                  afterDelivery: formatDuration(entry.signOff.afterDeliveryMs),
                  comment: entry.signOff.comment,
                }
              : null
          }
          overdueCritical={entry.overdueCritical}
          windowMinutes={settings.criticalSignOffMinutes}
          actions={{
            signOff: signOffReportAction,
            assign: assignReportAction,
            copy: copyReportAction,
            followUp: followUpReportAction,
          }}
        />
      ) : null}
      <section
        aria-labelledby="report-details-heading"
        className="mb-4 rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="report-details-heading" className="sr-only">
          Report details
        </h2>
        <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-600">Patient</dt>
            <dd>
              {patientName ? (
                <>
                  {patientName} <span className="font-mono text-slate-600">({report.patient?.patientId})</span>
                </>
              ) : (
                <>
                  Unknown patient <span className="font-mono text-slate-600">({report.deliveredPatientId})</span>
                </>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Accession</dt>
            <dd className="font-mono">{report.accessionNumber ?? "Not provided"}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Version</dt>
            <dd>
              {report.version}{" "}
              {report.superseded ? (
                <span className="text-slate-600">(superseded by a newer version)</span>
              ) : (
                <span className="text-emerald-700">(current)</span>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Received</dt>
            <dd>{formatDateTime(report.receivedAt)}</dd>
          </div>
        </dl>
        {report.labResultId ? null : (
          <p className="mt-3 text-sm text-slate-600">
            This report is not matched to a lab result yet, so there is no original to show beside it.
          </p>
        )}
      </section>
      {diff ? <ReportDiff {...diff} refreshWhilePending /> : null}
      {report.labResultId && report.hasOriginalDocument ? (
        <SideBySide
          original={{
            label: ORIGINAL_LABEL,
            content: <PdfViewer src={`/api/lab-results/${report.labResultId}/document`} title={ORIGINAL_LABEL} />,
          }}
          report={{ label: REPORT_LABEL, content: reportViewer }}
        />
      ) : (
        reportViewer
      )}
      {sharing ? (
        <div className="mt-4">
          <ShareLinks
            reportId={report.id}
            links={shareItems}
            allowPhysicians={sharing.physicians}
            allowPatients={sharing.patients}
            createAction={createShareLinkAction}
            revokeAction={revokeShareLinkAction}
          />
        </div>
      ) : null}
    </>
  );
}
