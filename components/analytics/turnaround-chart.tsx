"use client";

import { useSyncExternalStore } from "react";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { hoursOf } from "@/lib/analytics/weeks";
import type { StageTable } from "@/lib/analytics/table";

export type TurnaroundChartProps = {
  stage: StageTable;
  targetHours: number;
  /** The id of the table that holds the same figures (the chart's description points to it). */
  tableId: string;
};

/**
 * One stage's weekly median, p90 and p95 in hours against the lab's target. The same
 * figures are in the table beside it: the chart is a picture of the table, not the only
 * way to read it.
 */
const noSubscription = () => () => {};

/**
 * True once in the browser. The chart is drawn there only: the server's HTML would carry
 * its sizes as style attributes, which the Content-Security-Policy (no 'unsafe-inline'
 * styles) drops, leaving the chart without a size; styles React sets in the browser apply.
 */
function useInBrowser(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

export function TurnaroundChart({ stage, targetHours, tableId }: TurnaroundChartProps) {
  const inBrowser = useInBrowser();
  const data = stage.byWeek.map((week) => ({
    week: week.week.slice(5),
    median: hoursOf(week.medianSeconds),
    p90: hoursOf(week.p90Seconds),
    p95: hoursOf(week.p95Seconds),
  }));
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-describedby={tableId}>
      <figcaption className="mb-2 text-sm font-medium text-slate-700">
        {stage.label}: hours per week (week starting, UTC), target {targetHours} h. The same figures are in the table.
      </figcaption>
      <div className="h-64 w-full">
        {inBrowser ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer>
              <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
              <XAxis dataKey="week" tick={{ fill: "#334155", fontSize: 12 }} />
              <YAxis tick={{ fill: "#334155", fontSize: 12 }} width={48} unit=" h" />
              <Tooltip formatter={(value) => (typeof value === "number" ? `${value} h` : String(value))} />
              <Legend wrapperStyle={{ fontSize: 12, color: "#334155" }} />
              <ReferenceLine
                y={targetHours}
                ifOverflow="extendDomain"
                stroke="#b91c1c"
                strokeDasharray="4 4"
                label={{ value: "target", fill: "#b91c1c", fontSize: 12 }}
              />
              <Line
                type="monotone"
                dataKey="median"
                name="Median"
                stroke="#1d4ed8"
                strokeWidth={2}
                connectNulls
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="p90"
                name="p90"
                stroke="#c2410c"
                strokeWidth={2}
                strokeDasharray="6 3"
                connectNulls
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="p95"
                name="p95"
                stroke="#6d28d9"
                strokeWidth={2}
                strokeDasharray="2 2"
                connectNulls
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        ) : null}
      </div>
    </figure>
  );
}
