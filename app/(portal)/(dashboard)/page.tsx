import type { Metadata } from "next";
import Link from "next/link";
import { AttentionList } from "@/components/dashboard/attention-list";
import { NoLab } from "@/components/shell/no-lab";
import { UploadLink } from "@/components/lab-results/upload-link";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { getDb } from "@/db";
import {
  countLabActivity,
  listHeldLabResults,
  listOverdueLabResults,
  listRejectedLabResults,
} from "@/db/queries/lab-results";
import { getInboxSettings, listInbox, listOverdueCritical } from "@/db/queries/inbox";
import { getLabForUser } from "@/db/queries/labs";
import { OverdueCriticalPanel } from "@/components/inbox/overdue-critical";
import { listUnreadReportsForUser } from "@/db/queries/report-read-marks";
import { scopeOf } from "@/db/queries/scope";
import { requireUser } from "@/lib/account/auth";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requireUser();
  if (!user.currentLab) return <NoLab />;
  const db = await getDb();
  const scope = scopeOf(user);
  const lab = await getLabForUser(db, scope, user.currentLab.id);
  const turnaroundHours = lab?.turnaroundHours ?? 48;
  const [counts, unread, overdue, rejected, held] = await Promise.all([
    countLabActivity(db, scope),
    listUnreadReportsForUser(db, scope, 10),
    listOverdueLabResults(db, scope, turnaroundHours),
    listRejectedLabResults(db, scope),
    listHeldLabResults(db, scope),
  ]);
  const canUpload = user.role === "technician" || user.role === "admin";
  const isDoctor = user.role === "doctor";
  const [inbox, overdueCritical, inboxSettings] =
    isDoctor || user.role === "admin"
      ? await Promise.all([
          isDoctor ? listInbox(db, scope, { assignee: "for_me" }, 5) : null,
          listOverdueCritical(db, scope),
          getInboxSettings(db, scope),
        ])
      : [null, [], null];
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`${user.currentLab.name}: new reports for you, submissions that need attention, and today's activity.`}
        actions={canUpload ? <UploadLink /> : null}
      />
      {inboxSettings ? (
        <OverdueCriticalPanel items={overdueCritical} windowMinutes={inboxSettings.criticalSignOffMinutes} />
      ) : null}
      {inbox ? (
        <div className="mb-6">
          <AttentionList
            title="Waiting for your sign-off"
            empty="Nothing waits for your sign-off."
            items={inbox.rows.map((r) => ({
              id: r.reportId,
              href: `/reports/${r.reportId}`,
              title: r.patientName,
              detail: [
                r.flag ? r.flag[0]!.toUpperCase() + r.flag.slice(1) : null,
                r.amended ? `amended (v${r.version})` : null,
                `Accession ${r.accessionNumber}`,
              ]
                .filter(Boolean)
                .join(" · "),
              at: r.receivedAt,
            }))}
            action={
              <Link href="/inbox" className="inline-flex min-h-11 items-center text-sm text-brand-700 underline">
                Inbox ({inbox.total})
              </Link>
            }
          />
        </div>
      ) : null}
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatCard label="Lab results today" value={counts.today} />
        <StatCard label="Lab results this week" value={counts.thisWeek} hint="Since Monday" />
        <StatCard label="Waiting for a report" value={counts.waitingForReport} hint="Sent for interpretation" />
        <StatCard label="Rejected or failed" value={counts.rejected} hint="Need a technician" />
      </dl>
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <AttentionList
          title="New reports for you"
          empty="No new interpretation reports. They appear here until you open them."
          items={unread.latest.map((r) => ({
            id: r.id,
            href: r.labResultId ? `/lab-results/${r.labResultId}` : "/lab-results",
            title: r.patientName ?? "Unknown patient",
            detail: r.accessionNumber ? `Accession ${r.accessionNumber}` : "",
            at: r.receivedAt,
          }))}
        />
        <AttentionList
          title={`Waiting more than ${turnaroundHours} hours`}
          empty={`Every interpretation requested more than ${turnaroundHours} hours ago has its report.`}
          items={overdue.map((r) => ({
            id: r.id,
            href: `/lab-results/${r.id}`,
            title: r.patientName,
            detail: `Accession ${r.accessionNumber}`,
            at: r.createdAt,
            status: r.status,
          }))}
        />
        <AttentionList
          title="Held by the wrong-patient guard"
          empty="No uploads are held. A file whose text does not name its patient waits here until someone confirms or removes it."
          items={held.map((r) => ({
            id: r.id,
            href: `/lab-results/${r.id}`,
            title: r.patientName,
            detail: `Accession ${r.accessionNumber} · not sent${r.guardReason ? ` · ${r.guardReason.slice(0, 80)}` : ""}`,
            at: r.createdAt,
            status: r.status,
          }))}
          action={
            <Link href="/lab-results?status=needs_confirmation" className="text-sm text-brand-700 underline">
              All held
            </Link>
          }
        />
        <AttentionList
          title="Rejected submissions"
          empty="No rejected or failed submissions."
          items={rejected.map((r) => ({
            id: r.id,
            href: `/lab-results/${r.id}`,
            title: r.patientName,
            detail: `Accession ${r.accessionNumber}${r.lastError ? ` · ${r.lastError.slice(0, 80)}` : ""}`,
            at: r.createdAt,
            status: r.status,
          }))}
          action={
            <Link href="/lab-results?status=rejected" className="text-sm text-brand-700 underline">
              All rejected
            </Link>
          }
        />
      </div>
    </>
  );
}
