import Link from "next/link";
import { Table, TableHead, TBody, Td } from "@/components/ui/table";
import { cn } from "@/components/ui/cn";
import { backlogStates } from "@/lib/analytics/stages";
import type { BacklogCount, FigureCell, StageTable } from "@/lib/analytics/table";
import { formatDuration, formatShare } from "@/lib/analytics/weeks";

function FigureCells({ cell }: { cell: FigureCell }) {
  return (
    <>
      <Td className="text-right tabular-nums">{cell.count.toLocaleString("en")}</Td>
      <Td className="text-right tabular-nums">{formatDuration(cell.medianSeconds)}</Td>
      <Td className="text-right tabular-nums">{formatDuration(cell.p90Seconds)}</Td>
      <Td className="text-right tabular-nums">{formatDuration(cell.p95Seconds)}</Td>
      <Td className="text-right tabular-nums">{formatShare(cell.share)}</Td>
    </>
  );
}

const figureColumns = (targetHours: number) => ["Count", "Median", "p90", "p95", `Within ${targetHours} h target`];

/**
 * Every stage over the whole window (count and share within target) with the last complete
 * week's median, p90 and p95 (percentiles of separate weeks do not combine into the
 * window's); a stage not recorded yet says so.
 */
export function StageSummaryTable({ tables, targetHours }: { tables: StageTable[]; targetHours: number }) {
  return (
    <Table caption={`Turnaround by stage over the last 12 weeks (target ${targetHours} hours)`}>
      <TableHead
        columns={[
          "Stage",
          "Count",
          `Within ${targetHours} h target`,
          "Median, last full week",
          "p90, last full week",
          "p95, last full week",
        ]}
      />
      <TBody>
        {tables.map((stage) => (
          <tr key={stage.key}>
            <th scope="row" className="px-4 py-2 text-left font-medium text-slate-800">
              {stage.label}
            </th>
            {stage.recorded ? (
              <>
                <Td className="text-right tabular-nums">{stage.total.count.toLocaleString("en")}</Td>
                <Td className="text-right tabular-nums">{formatShare(stage.total.share)}</Td>
                <Td className="text-right tabular-nums">
                  {formatDuration(stage.lastCompleteWeek?.medianSeconds ?? null)}
                </Td>
                <Td className="text-right tabular-nums">
                  {formatDuration(stage.lastCompleteWeek?.p90Seconds ?? null)}
                </Td>
                <Td className="text-right tabular-nums">
                  {formatDuration(stage.lastCompleteWeek?.p95Seconds ?? null)}
                </Td>
              </>
            ) : (
              <Td colSpan={5} className="text-slate-600">
                Not recorded yet
              </Td>
            )}
          </tr>
        ))}
      </TBody>
    </Table>
  );
}

/** One stage's figures per week, newest first (the chart's figures). */
export function WeeklyTable({ stage, targetHours, id }: { stage: StageTable; targetHours: number; id: string }) {
  return (
    <div id={id}>
      <Table caption={`${stage.label} by week (week starting Monday, UTC)`}>
        <TableHead columns={["Week starting", ...figureColumns(targetHours)]} />
        <TBody>
          {[...stage.byWeek].reverse().map((week) => (
            <tr key={week.week}>
              <th scope="row" className="px-4 py-2 text-left font-medium whitespace-nowrap text-slate-800">
                {week.week}
              </th>
              <FigureCells cell={week} />
            </tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}

/** Links choosing the stage shown by week (plain links: the page renders on the server). */
export function StageChooser({ tables, current }: { tables: StageTable[]; current: string }) {
  return (
    <nav aria-label="Stage shown by week" className="mb-3 flex flex-wrap gap-2">
      {tables
        .filter((stage) => stage.recorded)
        .map((stage) => (
          <Link
            key={stage.key}
            href={`/analytics?stage=${stage.key}`}
            aria-current={stage.key === current ? "page" : undefined}
            className={cn(
              "rounded-full border px-3 py-1 text-sm",
              stage.key === current
                ? "border-brand-700 bg-brand-700 text-white"
                : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
            )}
          >
            {stage.label}
          </Link>
        ))}
    </nav>
  );
}

/** The lab's lab results and reports waiting at each state now. */
export function BacklogTable({ backlog }: { backlog: BacklogCount[] }) {
  const counts = new Map(backlog.map((b) => [b.state, b.count]));
  return (
    <Table caption="Backlog now, by state">
      <TableHead columns={["State", "Count"]} />
      <TBody>
        {backlogStates.map((state) => (
          <tr key={state.key}>
            <th scope="row" className="px-4 py-2 text-left font-medium text-slate-800">
              {state.label}
            </th>
            <Td className="text-right tabular-nums">{(counts.get(state.key) ?? 0).toLocaleString("en")}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
