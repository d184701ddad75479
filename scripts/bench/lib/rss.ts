import { readFileSync, readdirSync, writeFileSync } from "node:fs";

/**
 * Resident memory of a process and its descendants, read from Linux's /proc. Elsewhere
 * the readers return null and the benchmark reports memory as unavailable.
 */

export const MB = 1024 * 1024;

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** A "Name:   123 kB" field of /proc/<pid>/status, in bytes. */
function statusField(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  const status = readText(`/proc/${pid}/status`);
  const match = status?.match(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m"));
  return match?.[1] === undefined ? null : Number(match[1]) * 1024;
}

/** The children of every thread of a process (a child may be forked from any thread). */
function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((tid) =>
    (readText(`/proc/${pid}/task/${tid}/children`) ?? "").split(/\s+/).filter(Boolean).map(Number),
  );
}

/** The process and all of its descendants, the root first. */
export function processTree(rootPid: number): number[] {
  const tree: number[] = [];
  const pending = [rootPid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (tree.includes(pid)) continue;
    tree.push(pid);
    pending.push(...childrenOf(pid));
  }
  return tree;
}

/** The summed RSS of the process tree in bytes, or null when it cannot be read. */
export function treeRss(rootPid: number): number | null {
  let total: number | null = null;
  for (const pid of processTree(rootPid)) {
    const rss = statusField(pid, "VmRSS");
    if (rss !== null) total = (total ?? 0) + rss;
  }
  return total;
}

/**
 * Resets the kernel's peak-RSS counter (VmHWM) of one process to its current RSS, so that
 * a later highWaterMark() covers only what happened in between. False when not allowed.
 */
export function resetHighWaterMark(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** The kernel's peak RSS of one process (not of its children), in bytes. */
export function highWaterMark(pid: number): number | null {
  return statusField(pid, "VmHWM");
}

/** Samples the tree's RSS at a fixed interval while a task runs, and keeps the peak. */
export async function withPeakRss<T>(
  rootPid: number,
  intervalMs: number,
  task: () => Promise<T>,
): Promise<{ result: T; peak: number | null }> {
  let peak: number | null = null;
  const sample = () => {
    const rss = treeRss(rootPid);
    if (rss !== null && (peak === null || rss > peak)) peak = rss;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  try {
    const result = await task();
    sample();
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

/** The RSS after the process has been idle for a while (its steady level). */
export async function settledRss(rootPid: number, idleMs: number): Promise<number | null> {
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  return treeRss(rootPid);
}
