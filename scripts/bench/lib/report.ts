import os from "node:os";
import { MB } from "./rss";
import { SMOKE, SMOKE_VERDICT } from "./smoke";

/** The benchmarks' statistics and the formatting of their figures. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  const lower = sorted[middle - 1] ?? upper;
  return sorted.length % 2 === 1 ? upper : (lower + upper) / 2;
}

/** The nearest-rank percentile (p in 0-100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

/** A ratio of two figures, as printed: two decimals. */
export function ratio(a: number, b: number): string {
  return (a / b).toFixed(2);
}

/** The 1-minute load average now (0 where the system has none), to print with the figures. */
export function loadAverage(): number {
  return os.loadavg()[0] ?? 0;
}

/** "load average 0.42 (1 min) before the benchmark started" */
export function loadAverageNote(loadAtStart: number): string {
  return `load average ${loadAtStart.toFixed(2)} (1 min) before the benchmark started`;
}

/** The machine, for a report's "Machine:" line: CPUs, memory, (with `withOs`) the system, and Node. */
export function describeMachine({ withOs = false } = {}): string {
  const cpus = os.cpus();
  const system = withOs ? `, ${os.platform()} ${os.release()} ${os.arch()}` : "";
  return `${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "unknown"}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM${system}, Node ${process.version}`;
}

export function megabytes(bytes: number | null): string {
  return bytes === null ? "n/a" : `${(bytes / MB).toFixed(1)} MB`;
}

export function verdict(value: number | null, limit: number): string {
  if (SMOKE) return SMOKE_VERDICT;
  if (value === null || Number.isNaN(value)) return "unknown";
  return value <= limit ? "met" : "not met";
}

/** A plain-text table: columns padded to their widest cell, a rule under the header. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}
