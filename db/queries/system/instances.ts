import { sql } from "drizzle-orm";
import type { Db } from "@/db";

/** The application_name prefix of a web instance's connections (see setDbApplicationName). */
export const WEB_INSTANCE_PREFIX = "lab-portal-web:";

/**
 * How many OTHER web instances hold connections to this database right now (their
 * application_name, which pg_stat_activity shows to every role). Send-only workers and
 * command-line tools do not count: they serve no pages and no server actions.
 */
export async function countOtherWebInstances(db: Db, ownName: string): Promise<number> {
  const result = await db.execute<{ others: number }>(sql`
    select count(distinct application_name)::int as others from pg_stat_activity
    where datname = current_database()
      and starts_with(application_name, ${WEB_INSTANCE_PREFIX})
      and application_name <> ${ownName}`);
  const rows = Array.isArray(result) ? result : (result as unknown as { rows: Array<{ others: number }> }).rows;
  return Number(rows[0]?.others ?? 0);
}
