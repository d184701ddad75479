import type { Metadata } from "next";
import Link from "next/link";
import { NoLab } from "@/components/shell/no-lab";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { getDb } from "@/db";
import { countLabActivity } from "@/db/queries/lab-results";
import { requireUser } from "@/lib/auth";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requireUser();
  if (!user.currentLab) return <NoLab />;
  const counts = await countLabActivity(await getDb(), { labId: user.currentLab.id });
  const canUpload = user.role === "technician" || user.role === "admin";
  const nothingYet = counts.thisWeek === 0 && counts.waitingForReport === 0 && counts.rejected === 0;
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`Today at ${user.currentLab.name}: what was sent, what is waiting for an interpretation report, and what needs attention.`}
        actions={
          canUpload ? (
            <Link href="/upload" className={buttonClasses("primary")}>
              Upload lab results
            </Link>
          ) : null
        }
      />
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatCard label="Lab results today" value={counts.today} />
        <StatCard label="Lab results this week" value={counts.thisWeek} hint="Since Monday" />
        <StatCard label="Waiting for a report" value={counts.waitingForReport} hint="Sent for interpretation" />
        <StatCard label="Rejected or failed" value={counts.rejected} hint="Need a technician" />
      </dl>
      {nothingYet ? (
        <div className="mt-8">
          <EmptyState title="No activity yet">
            New interpretation reports, submissions still waiting for a report past the lab&apos;s turnaround time, and rejected
            submissions will be listed here as soon as lab results are uploaded.
          </EmptyState>
        </div>
      ) : null}
    </>
  );
}
