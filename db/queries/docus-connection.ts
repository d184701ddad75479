import "server-only";
import { and, count, desc, eq, gte, inArray, isNull, max, min, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { deliveries, labResults, labs, sendPendingStatuses, submissionAttempts } from "@/db/schema";
import { seesEveryLab, type QueryScope } from "./scope";

/**
 * What the database knows about the Docus connection, for the admin page. An operator
 * sees every lab's ("all"); an admin sees their labs' sends and deliveries, plus the
 * deliveries refused before any lab was known (they carry no patient data).
 */
type Scope = string[] | "all";

function connectionScope(scope: QueryScope): Scope {
  return seesEveryLab(scope) ? "all" : scope.labIds;
}

function labScope(column: SQL | Parameters<typeof eq>[0], scope: Scope): SQL | undefined {
  if (scope === "all") return undefined;
  return scope.length === 0 ? sql`false` : inArray(column as Parameters<typeof inArray>[0], scope);
}

export type FailureReason = "credentials" | "rejected" | "transient";

export type ConnectionSnapshot = {
  lastSuccessAt: Date | null;
  failures24h: Record<FailureReason, number>;
  waiting: number;
  nextAttemptAt: Date | null;
  lastDelivery: { receivedAt: Date; outcome: string; httpStatus: number; reason: string | null } | null;
  refused24h: { reason: string; n: number }[];
};

export async function getConnectionSnapshot(
  db: Db,
  queryScope: QueryScope,
  now = new Date(),
): Promise<ConnectionSnapshot> {
  const scope = connectionScope(queryScope);
  const since = new Date(now.getTime() - 24 * 3600_000);
  const attemptScope = labScope(labResults.labId, scope);
  const [last] = await db
    .select({ at: max(submissionAttempts.finishedAt) })
    .from(submissionAttempts)
    .innerJoin(labResults, eq(labResults.id, submissionAttempts.labResultId))
    .where(and(eq(submissionAttempts.outcome, "accepted"), attemptScope));
  const reason = sql<FailureReason>`case when ${submissionAttempts.httpStatus} in (401, 403) then 'credentials' when ${submissionAttempts.outcome} = 'rejected' then 'rejected' else 'transient' end`;
  const failures = await db
    .select({ reason, n: count() })
    .from(submissionAttempts)
    .innerJoin(labResults, eq(labResults.id, submissionAttempts.labResultId))
    .where(
      and(
        inArray(submissionAttempts.outcome, ["rejected", "transient"]),
        gte(submissionAttempts.startedAt, since),
        attemptScope,
      ),
    )
    .groupBy(reason);
  const failures24h: Record<FailureReason, number> = { credentials: 0, rejected: 0, transient: 0 };
  for (const f of failures) failures24h[f.reason] = f.n;
  const [queue] = await db
    .select({ n: count(), next: min(sql<Date>`coalesce(${labResults.nextAttemptAt}, ${labResults.createdAt})`) })
    .from(labResults)
    .where(and(inArray(labResults.status, sendPendingStatuses), labScope(labResults.labId, scope)));
  const deliveryScope = scope === "all" ? undefined : or(isNull(deliveries.labId), labScope(deliveries.labId, scope));
  const [lastDelivery] = await db
    .select({
      receivedAt: deliveries.receivedAt,
      outcome: deliveries.outcome,
      httpStatus: deliveries.httpStatus,
      reason: deliveries.reason,
    })
    .from(deliveries)
    .where(deliveryScope)
    .orderBy(desc(deliveries.receivedAt))
    .limit(1);
  const refused24h = await db
    .select({ reason: sql<string>`coalesce(${deliveries.reason}, 'unspecified')`, n: count() })
    .from(deliveries)
    .where(and(eq(deliveries.outcome, "refused"), gte(deliveries.receivedAt, since), deliveryScope))
    .groupBy(sql`coalesce(${deliveries.reason}, 'unspecified')`)
    .orderBy(desc(count()));
  const next = queue?.next ? new Date(queue.next) : null;
  return {
    lastSuccessAt: last?.at ?? null,
    failures24h,
    waiting: queue?.n ?? 0,
    nextAttemptAt: next,
    lastDelivery: lastDelivery ?? null,
    refused24h,
  };
}

export type RefusedDeliveryRow = {
  receivedAt: Date;
  httpStatus: number;
  reason: string | null;
  labName: string | null;
};

/** Refused deliveries since `since`, newest first (for the CSV export). No addresses, no references. */
export async function listRefusedDeliveries(
  db: Db,
  queryScope: QueryScope,
  since: Date,
  limit = 10_000,
): Promise<RefusedDeliveryRow[]> {
  const scope = connectionScope(queryScope);
  const deliveryScope = scope === "all" ? undefined : or(isNull(deliveries.labId), labScope(deliveries.labId, scope));
  return db
    .select({
      receivedAt: deliveries.receivedAt,
      httpStatus: deliveries.httpStatus,
      reason: deliveries.reason,
      labName: labs.name,
    })
    .from(deliveries)
    .leftJoin(labs, eq(labs.id, deliveries.labId))
    .where(and(eq(deliveries.outcome, "refused"), gte(deliveries.receivedAt, since), deliveryScope))
    .orderBy(desc(deliveries.receivedAt))
    .limit(limit);
}
