import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

/** One ORDER BY term, as a shared query builder takes it from its callers. */
export type OrderBy = SQL | PgColumn;

/**
 * Descending order that matches the schema's `.desc()` indexes, which drizzle-kit creates
 * as `DESC NULLS LAST`. A plain `order by x desc` means NULLS FIRST to PostgreSQL, which
 * then cannot read such an index in order, even for a NOT NULL column, and sorts instead.
 */
export function descNullsLast(column: SQLWrapper): SQL {
  return sql`${column} desc nulls last`;
}
