import type { Metadata } from "next";
import { TurnaroundChart } from "@/components/analytics/turnaround-chart";
import { BacklogTable, StageChooser, StageSummaryTable, WeeklyTable } from "@/components/analytics/turnaround-tables";
import { NoLab } from "@/components/shell/no-lab";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { getDb } from "@/db";
import { getTurnaroundFigures } from "@/db/queries/analytics";
import { scopeOf } from "@/db/queries/scope";
import { requireRole } from "@/lib/account/auth";
import { stageTables } from "@/lib/analytics/table";
import { analyticsWindow } from "@/lib/analytics/weeks";

export const metadata: Metadata = { title: "Analytics" };

export default async function AnalyticsPage({
  searchParams,
}: {
  searchParams: Promise<{ stage?: string | string[] }>;
}) {
  const user = await requireRole(["doctor", "admin"]);
  if (!user.currentLab) return <NoLab />;
  const requested = (await searchParams).stage;
  const window = analyticsWindow(new Date());
  const figures = await getTurnaroundFigures(await getDb(), scopeOf(user), window);
  if (!figures) return <NoLab />;
  const tables = stageTables(figures, window.weeks);
  const recorded = tables.filter((t) => t.recorded);
  const shown = recorded.find((t) => t.key === requested) ?? recorded.find((t) => t.key === "overall") ?? recorded[0]!;
  const target = figures.turnaroundHours;
  const lastFullWeek = window.weeks.at(-2);
  return (
    <>
      <PageHeader
        title="Analytics"
        description={`How long ${user.currentLab.name}'s lab results take at each stage, over the last 12 weeks (by the week each stage ended, UTC), against the lab's turnaround target of ${target} hours, and what is waiting now.`}
        actions={
          <a href="/api/analytics/csv" download className={buttonClasses("secondary")}>
            Download CSV<span className="sr-only"> of the turnaround figures</span>
          </a>
        }
      />
      <div className="space-y-8">
        <Section headingId="analytics-stages" title="Turnaround by stage, last 12 weeks">
          <StageSummaryTable tables={tables} targetHours={target} />
          <p className="mt-2 text-xs text-slate-600">
            Count and share cover all 12 weeks; median, p90 and p95 are the last full week&apos;s (starting{" "}
            {lastFullWeek ?? "—"}), as weekly percentiles cannot be combined into a 12-week one.
          </p>
          <p className="mt-1 text-xs text-slate-600">
            Median, p90 and p95: half, nine in ten and 19 in 20 of the spans took at most this long.
          </p>
        </Section>
        <Section headingId="analytics-weekly" title={`By week: ${shown.label}`}>
          <StageChooser tables={tables} current={shown.key} />
          {/* min-w-0: a grid column may shrink below its table's width (the table scrolls in its box). */}
          <div className="grid grid-cols-1 gap-4 xl:grid-cols-2 [&>*]:min-w-0">
            <TurnaroundChart stage={shown} targetHours={target} tableId="analytics-weekly-table" />
            <WeeklyTable stage={shown} targetHours={target} id="analytics-weekly-table" />
          </div>
        </Section>
        <Section headingId="analytics-backlog" title="Backlog now">
          <div className="max-w-xl">
            <BacklogTable backlog={figures.backlog} />
          </div>
        </Section>
      </div>
    </>
  );
}
