import { MB } from "./rss";

/** Formatting of the benchmark's figures. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  const lower = sorted[middle - 1] ?? upper;
  return sorted.length % 2 === 1 ? upper : (lower + upper) / 2;
}

export function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

export function megabytes(bytes: number | null): string {
  return bytes === null ? "n/a" : `${(bytes / MB).toFixed(1)} MB`;
}

export function verdict(value: number | null, limit: number): string {
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
