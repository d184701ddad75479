import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DatabaseLockedError, acquirePgliteLock, canHoldLock } from "./pglite-lock";

/**
 * The embedded database's lock with real processes as holders: a live Node.js process
 * keeps it; one killed with SIGKILL a moment ago, one that exits while a start waits,
 * a reused process id running another program, or a lock file without an id do not.
 */

let dir: string;
let dataDir: string;
let lockFile: string;
const children: ChildProcess[] = [];

/** A Node.js process that lives until killed (or for `exitAfterMs`), once it runs. */
async function nodeProcess(exitAfterMs = 60_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", `setTimeout(() => {}, ${exitAfterMs}); console.log("up")`], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  children.push(child);
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return child;
}

function holdBy(pid: number | string): void {
  writeFileSync(lockFile, String(pid));
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "pglite-lock-"));
  dataDir = path.join(dir, "pglite");
  lockFile = `${dataDir}.lock`;
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("acquirePgliteLock", () => {
  it("takes a free lock with this process's id and gives it back", async () => {
    const release = await acquirePgliteLock(dataDir, { waitMs: 0 });
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it("refuses while a live Node.js process holds it, naming that process", async () => {
    const holder = await nodeProcess();
    holdBy(holder.pid!);
    const started = Date.now();
    const attempt = acquirePgliteLock(dataDir, { waitMs: 300, pollMs: 50 });
    await expect(attempt).rejects.toBeInstanceOf(DatabaseLockedError);
    await expect(attempt).rejects.toThrow(`in use by process ${holder.pid}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(readFileSync(lockFile, "utf8")).toBe(String(holder.pid));
  });

  it("takes it over right after its holder was killed with SIGKILL (dying, or a zombie not yet collected)", async () => {
    const holder = await nodeProcess();
    holdBy(holder.pid!);
    // No await between the kill and the start: the process is still there, as it is for a
    // supervisor that restarts the portal at once.
    holder.kill("SIGKILL");
    const release = await acquirePgliteLock(dataDir, { waitMs: 5_000, pollMs: 20 });
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    release();
  });

  it("waits for a holder that stops during the wait, then takes the lock", async () => {
    const holder = await nodeProcess(400);
    holdBy(holder.pid!);
    const started = Date.now();
    const release = await acquirePgliteLock(dataDir, { waitMs: 10_000, pollMs: 20 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    release();
  });

  it.skipIf(!existsSync("/proc/self/exe"))(
    "does not count a process id reused by another program as the holder",
    async () => {
      const other = spawn("sleep", ["30"], { stdio: "ignore" });
      children.push(other);
      await new Promise((resolve) => other.once("spawn", resolve));
      expect(canHoldLock(other.pid!)).toBe(false);
      holdBy(other.pid!);
      const release = await acquirePgliteLock(dataDir, { waitMs: 0 });
      expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
      release();
    },
  );

  it("takes over a lock file without a process id, and one of a process that is gone", async () => {
    holdBy("not a pid");
    (await acquirePgliteLock(dataDir, { waitMs: 0 }))();
    const gone = await nodeProcess();
    const exited = new Promise((resolve) => gone.once("exit", resolve));
    gone.kill("SIGKILL");
    await exited;
    holdBy(gone.pid!);
    expect(canHoldLock(gone.pid!)).toBe(false);
    (await acquirePgliteLock(dataDir, { waitMs: 0 }))();
  });

  it("counts this process (and its own earlier, crashed open) as no obstacle", async () => {
    expect(canHoldLock(process.pid)).toBe(true);
    holdBy(process.pid);
    (await acquirePgliteLock(dataDir, { waitMs: 0 }))();
  });
});
