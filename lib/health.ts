import { getDb, pingDb } from "@/db";
import { pendingMigrations } from "@/db/migrate";
import { bossStarted } from "@/lib/jobs/boss";

/**
 * Readiness: may this instance take traffic? Each part is checked with its own timeout,
 * so a database that hangs answers "not ready" in about that time rather than never.
 * Liveness (the process answers at all) needs none of this: /api/health/live.
 */

export const READY_CHECK_TIMEOUT_MS = 2_000;

export type ReadinessPart = "database" | "migrations" | "queue";
export type Readiness =
  | { ready: true; checks: Record<ReadinessPart, "ok"> }
  | { ready: false; failing: ReadinessPart; reason: string; checks: Partial<Record<ReadinessPart, string>> };

export type ReadinessDeps = {
  ping: () => Promise<void>;
  pending: () => Promise<number>;
  queueStarted: () => boolean;
  timeoutMs: number;
};

const defaultDeps: ReadinessDeps = {
  ping: pingDb,
  pending: async () => pendingMigrations(await getDb()),
  queueStarted: bossStarted,
  timeoutMs: READY_CHECK_TIMEOUT_MS,
};

class TimedOut extends Error {}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Database reachable, migrations current, queue started: in that order, the first failing part named. */
export async function checkReadiness(overrides: Partial<ReadinessDeps> = {}): Promise<Readiness> {
  const deps = { ...defaultDeps, ...overrides };
  const checks: Partial<Record<ReadinessPart, string>> = {};
  const fail = (failing: ReadinessPart, reason: string): Readiness => {
    checks[failing] = reason;
    return { ready: false, failing, reason, checks };
  };
  try {
    await within(deps.ping(), deps.timeoutMs);
    checks.database = "ok";
  } catch (error) {
    return fail("database", error instanceof TimedOut ? `no answer within ${deps.timeoutMs} ms` : "unreachable");
  }
  try {
    const pending = await within(deps.pending(), deps.timeoutMs);
    if (pending > 0) return fail("migrations", `${pending} migration(s) not applied: run npm run db:migrate`);
    checks.migrations = "ok";
  } catch (error) {
    return fail(
      "migrations",
      error instanceof TimedOut ? `no answer within ${deps.timeoutMs} ms` : "the applied migrations could not be read",
    );
  }
  if (!deps.queueStarted()) return fail("queue", "the job queue has not started");
  checks.queue = "ok";
  return { ready: true, checks: checks as Record<ReadinessPart, "ok"> };
}
