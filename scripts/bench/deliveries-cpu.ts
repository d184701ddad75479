import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { processTree } from "./lib/rss";

/**
 * Where the CPU time of a benchmark run goes, read from Linux's /proc: the server's
 * process tree, the PostgreSQL backends serving the benchmark database, this process (the
 * load generator) and the machine as a whole. Elsewhere the /proc figures are null.
 */

const TICKS_PER_SECOND = (() => {
  try {
    const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** The command name and user+system CPU ticks of one process, from /proc/<pid>/stat. */
function processStat(pid: number): { name: string; ticks: number } | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  // The fields after the name start with field 3 (state); utime and stime are fields 14 and 15.
  const fields = stat.slice(close + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? { name: stat.slice(open + 1, close), ticks } : null;
}

function processTicks(pids: Iterable<number>): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const stat = processStat(pid);
    if (stat) ticks.set(pid, stat.ticks);
  }
  return ticks;
}

function treeTicks(rootPid: number): Map<number, number> {
  return processTicks(processTree(rootPid));
}

function machineTicks(): { busy: number; total: number } | null {
  const line = readText("/proc/stat")?.split("\n")[0];
  if (!line?.startsWith("cpu ")) return null;
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export type CpuSnapshot = {
  wallMs: number;
  self: NodeJS.CpuUsage;
  server: Map<number, number>;
  postgres: Map<number, number>;
  machine: { busy: number; total: number } | null;
};

export type CpuShares = {
  /** Percent of one core, over the wall time between the two snapshots. */
  server: number | null;
  postgres: number | null;
  loadGenerator: number;
  /** Percent of all cores of the machine that were busy. */
  machine: number | null;
};

/** Ticks used between two readings; processes that appeared in between count in full. */
function ticksBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ticks] of after) total += ticks - (before.get(pid) ?? 0);
  return total;
}

/** `postgresPids`: the backends connected to the benchmark database (pg_stat_activity). */
export function cpuSnapshot(serverPid: number, postgresPids: number[]): CpuSnapshot {
  return {
    wallMs: performance.now(),
    self: process.cpuUsage(),
    server: treeTicks(serverPid),
    postgres: processTicks(postgresPids),
    machine: machineTicks(),
  };
}

export function cpuShares(before: CpuSnapshot, after: CpuSnapshot): CpuShares {
  const seconds = (after.wallMs - before.wallMs) / 1000;
  const percentOfCore = (ticks: number) => (100 * ticks) / TICKS_PER_SECOND / seconds;
  const selfMicros = after.self.user - before.self.user + after.self.system - before.self.system;
  return {
    server: after.server.size > 0 ? percentOfCore(ticksBetween(before.server, after.server)) : null,
    postgres: after.postgres.size > 0 ? percentOfCore(ticksBetween(before.postgres, after.postgres)) : null,
    loadGenerator: (100 * selfMicros) / 1e6 / seconds,
    machine:
      before.machine && after.machine && after.machine.total > before.machine.total
        ? (100 * (after.machine.busy - before.machine.busy)) / (after.machine.total - before.machine.total)
        : null,
  };
}
