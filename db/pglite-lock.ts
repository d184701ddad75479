import { closeSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * The embedded database's lock: PGlite is one process's database, and two processes
 * writing one data folder would corrupt it. The lock is a file next to the folder
 * (`<folder>.lock`) holding the process id of its holder.
 *
 * A lock whose holder is gone is taken over. "Gone" includes the moments right after a
 * crash: a process killed with SIGKILL stays visible (dying, then a zombie until its
 * parent collects it) for a while, and a supervisor or a person restarting the portal at
 * once used to find the dead portal still "holding" the lock and give up. A start now
 * never counts a zombie or a process that is not a Node.js program (a process id reused
 * after a restart) as the holder, and waits up to `waitMs` (3 s: a killed process's
 * memory takes a moment to be freed) for a live one to go away before it refuses.
 */

export class DatabaseLockedError extends Error {
  constructor(
    public readonly dataDir: string,
    public readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid} (probably the running portal). ` +
        "PGlite cannot be opened by two processes at once: stop the portal first, or set DATABASE_URL to use PostgreSQL.",
    );
    this.name = "DatabaseLockedError";
  }
}

/**
 * Linux's view of a process: its state letter and the file name of the program it runs
 * (the executable itself, which a changed process.title does not hide; "" when it cannot
 * be read, e.g. another user's process). Null without /proc.
 */
function procInfo(pid: number): { state: string; program: string } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) S ...": the state follows the program name, which may itself hold ")".
  const state = stat.charAt(stat.lastIndexOf(")") + 2);
  try {
    return { state, program: path.basename(readlinkSync(`/proc/${pid}/exe`)) };
  } catch {
    return { state, program: "" };
  }
}

/**
 * Whether `pid` can be the holder of the lock: a live process (EPERM: one of another
 * user's) that, where Linux shows it, is neither dead nor a zombie and runs Node.js.
 */
export function canHoldLock(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const info = procInfo(pid);
  if (!info) return true;
  if (info.state === "Z" || info.state === "X" || info.state === "x") return false;
  return info.program === "" || info.program.includes("node");
}

function lockFileOf(dataDir: string): string {
  return path.join(path.dirname(path.resolve(dataDir)), `${path.basename(dataDir)}.lock`);
}

/** The holder's process id as written in the lock file; null when the file is gone or holds no id. */
function readHolder(lockFile: string): number | null {
  try {
    const holder = Number.parseInt(readFileSync(lockFile, "utf8").trim(), 10);
    return Number.isInteger(holder) && holder > 0 ? holder : null;
  } catch {
    return null;
  }
}

/**
 * Takes the embedded database's lock and returns its release, or throws
 * DatabaseLockedError when another live Node.js process still holds it after `waitMs`.
 */
export async function acquirePgliteLock(
  dataDir: string,
  { waitMs = 3_000, pollMs = 100 }: { waitMs?: number; pollMs?: number } = {},
): Promise<() => void> {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = lockFileOf(dataDir);
  const deadline = Date.now() + waitMs;
  let staleRemovals = 0;
  for (;;) {
    try {
      const fd = openSync(lockFile, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readHolder(lockFile) === process.pid) rmSync(lockFile, { force: true });
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readHolder(lockFile);
    if (holder !== null && holder !== process.pid && canHoldLock(holder)) {
      if (Date.now() >= deadline) throw new DatabaseLockedError(dataDir, holder);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      continue;
    }
    // Stale (a dead holder, or ours from an earlier, crashed open): remove and try again.
    // Only the file as read is removed: a holder that took it meanwhile keeps it.
    if (++staleRemovals > 5) throw new Error(`Could not take the lock of the embedded database in ${dataDir}`);
    if (readHolder(lockFile) === holder) rmSync(lockFile, { force: true });
  }
}
