import "server-only";
import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { interpretationReports, patients, type LabResultStatus, type Patient } from "@/db/schema";
import { descNullsLast } from "./order";
import { unreadReportCondition } from "./report-read-marks";
import { currentLabOf, type QueryScope } from "./scope";
import { patientNameColumns } from "./patient-columns";

/**
 * Searches shorter than this match by prefix only. A trigram match of three or four letters
 * says little (it finds every name with a word starting alike) and costs a scan of
 * thousands of candidates; typos are worth catching in longer input.
 */
export const FUZZY_MIN_LENGTH = 5;

/**
 * Names that are only alike (typos) are looked for when the prefix matches are fewer
 * than this (one page): a search that finds a page of patients starting with what was
 * typed needs no guessing, and skipping it saves the costliest part of a name search.
 */
export const FUZZY_BELOW_MATCHES = 25;

/**
 * A search as SQL wants it: the lower-cased text, its LIKE pattern (wildcards taken
 * literally), and `upTo`, the least string above every string that starts with it, so
 * that [needle, upTo) holds exactly those strings in the byte order of
 * `text_pattern_ops` (UTF-8 byte order is code point order). The range lets a cached,
 * generic plan scan the prefix indexes; a LIKE whose pattern is a parameter cannot.
 */
export type Search = { needle: string; prefix: string; upTo: string | null };

export function parseSearch(q: string | undefined): Search | null {
  const needle = q?.trim().toLowerCase();
  if (!needle) return null;
  return { needle, prefix: `${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, upTo: prefixUpperBound(needle) };
}

/** The least string above every string starting with `prefix` (null: none, past U+10FFFF). */
export function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix);
  const last = points.pop()?.codePointAt(0);
  if (last === undefined) return null;
  let next = last + 1;
  if (next >= 0xd800 && next <= 0xdfff) next = 0xe000; // surrogates are not characters
  if (next > 0x10ffff) return points.length > 0 ? prefixUpperBound(points.join("")) : null;
  return points.join("") + String.fromCodePoint(next);
}

/** The rank of a match by patient id, name or accession prefix: above any similarity (at most 1). */
const PREFIX_RANK = 2;

/**
 * The lab's patients matching a search, as a CTE `hits(id, rank, activity)`:
 *
 * - patient id, family name, given name and accession number by prefix (rank 2);
 * - when those are fewer than FUZZY_BELOW_MATCHES and the search has at least
 *   FUZZY_MIN_LENGTH characters, also names with a word like the search (trigram word
 *   similarity, pg_trgm's `<%`; rank = the similarity, 0.6 to 1).
 *
 * `activity` is the patient's latest activity. Each kind of match is its own branch of a
 * UNION ALL so that each uses its own index (see the indexes on `patients` and
 * `lab_results`); one OR of them, or an `= any(array)` of accession matches, makes
 * PostgreSQL read the whole lab instead. Each branch carries what the ordering needs, so
 * only the chosen page is joined back. The fuzzy branch's condition on the prefix count
 * is a one-time filter: PostgreSQL does not run the branch at all when it is false.
 */
function searchHits(db: Db | Tx, lab: string, { needle, prefix, upTo }: Search) {
  // lower(column) starts with the search: a range on its prefix index, then the exact test.
  const startsWith = (column: string) => {
    const value = sql.raw(`lower(${column})`);
    const below = upTo === null ? sql`` : sql` and ${value} ~<~ ${upTo}`;
    return sql`${value} ~>=~ ${needle}${below} and ${value} like ${prefix}`;
  };
  const fuzzy =
    needle.length >= FUZZY_MIN_LENGTH
      ? sql`union all select p.id, word_similarity(${needle}, lower(p.given_name || ' ' || p.family_name)), p.last_activity_at from patients p
          where (select count(distinct id) from prefix_hits) < ${FUZZY_BELOW_MATCHES}
            and p.lab_id = ${lab} and ${needle} <% lower(p.given_name || ' ' || p.family_name)`
      : sql``;
  return db
    .$with("hits", {
      id: patients.id,
      rank: sql<number>`rank`.mapWith(Number).as("rank"),
      activity: sql<Date>`activity`.as("activity"),
    })
    .as(
      sql`with prefix_hits as (
        select p.id, ${PREFIX_RANK}::real as rank, p.last_activity_at as activity from patients p where p.lab_id = ${lab} and ${startsWith("p.patient_id")}
        union all select p.id, ${PREFIX_RANK}, p.last_activity_at from patients p where p.lab_id = ${lab} and ${startsWith("p.family_name")}
        union all select p.id, ${PREFIX_RANK}, p.last_activity_at from patients p where p.lab_id = ${lab} and ${startsWith("p.given_name")}
        union all select p.id, ${PREFIX_RANK}, p.last_activity_at from lab_results lr join patients p on p.id = lr.patient_id
          where lr.lab_id = ${lab} and p.lab_id = ${lab} and ${startsWith("lr.accession_number")}
      )
      select id, max(rank) as rank, max(activity) as activity from (
        select id, rank, activity from prefix_hits
        ${fuzzy}
      ) branches group by id`,
    );
}

/**
 * Patients of the lab matching `q` (the upload form's patient picker): patient id or
 * accession number by prefix, names by prefix or by similarity; prefix matches first,
 * then the closest names, then the latest activity.
 */
export async function searchPatientsForLab(db: Db, scope: QueryScope, q: string, limit = 10): Promise<Patient[]> {
  const search = parseSearch(q);
  const labId = currentLabOf(scope);
  if (!search || !labId) return [];
  return inCachedPlan(db, async (tx) => {
    const hits = searchHits(tx, labId, search);
    const chosen = tx
      .with(hits)
      .select()
      .from(hits)
      .orderBy(sql`${hits.rank} desc`, descNullsLast(hits.activity), hits.id)
      .limit(limit)
      .as("chosen");
    const rows = await tx
      .select({ patient: patients })
      .from(chosen)
      .innerJoin(patients, eq(patients.id, chosen.id))
      .orderBy(sql`${chosen.rank} desc`, descNullsLast(chosen.activity), chosen.id)
      .prepare("patients_picker_search")
      .execute();
    return rows.map((row) => row.patient);
  });
}

export type PatientListRow = Pick<
  Patient,
  "id" | "patientId" | "givenName" | "familyName" | "birthDate" | "lastActivityAt"
> & {
  resultCount: number;
  latestStatus: LabResultStatus | null;
  hasUnreadReport: boolean;
};

export type PatientListPage = {
  rows: PatientListRow[];
  /** The number of patients listed, or (when `totalIsLowerBound`) at least that many. */
  total: number;
  totalIsLowerBound: boolean;
  page: number;
  pageSize: number;
};

/**
 * Without a search the lab's patients are counted up to this many: counting every one of
 * a large lab on each page view costs more than the page itself, and past this number
 * the count only tells "search instead of paging".
 */
export const PATIENT_COUNT_CAP = 10_000;

/**
 * The patients page: the lab's patients (optionally matching `q`: prefix matches first,
 * then the closest names, then the latest activity; without `q`, latest activity first),
 * with their number of results, latest status, and whether a report waits that this user
 * has not opened.
 *
 * An inner query chooses the page's ids (and, for a search, counts the matches as it
 * finds them); the outer one joins those ids to their patients and adds the per-row
 * columns, for the page's rows only.
 */
export async function listPatientsForUser(
  db: Db,
  scope: QueryScope,
  { q, page = 1, pageSize = 25 }: { q?: string; page?: number; pageSize?: number } = {},
): Promise<PatientListPage> {
  const labId = currentLabOf(scope);
  if (!labId) return { rows: [], total: 0, totalIsLowerBound: false, page, pageSize };
  const { userId } = scope;
  const search = parseSearch(q);
  if (search) return inCachedPlan(db, (tx) => searchPatientsPage(tx, labId, userId, search, page, pageSize));
  const chosen = latestActivityPage(db, labId, page, pageSize);
  const [found, [counted]] = await Promise.all([
    pageRows(db, labId, userId, chosen),
    db.select({ n: count() }).from(
      db
        .select({ one: sql`1`.as("one") })
        .from(patients)
        .where(eq(patients.labId, labId))
        .limit(PATIENT_COUNT_CAP + 1)
        .as("capped"),
    ),
  ]);
  const n = counted?.n ?? 0;
  return {
    rows: found.map(withoutTotal),
    total: Math.min(n, PATIENT_COUNT_CAP),
    totalIsLowerBound: n > PATIENT_COUNT_CAP,
    page,
    pageSize,
  };
}

/** Without a search: a page of the lab's patients, latest activity first (from `patients_lab_activity_idx`). */
function latestActivityPage(db: Db | Tx, labId: string, page: number, pageSize: number) {
  return db
    .select({
      id: patients.id,
      rank: sql<number>`0`.mapWith(Number).as("rank"),
      activity: sql<Date>`${patients.lastActivityAt}`.as("activity"),
      total: sql<number>`0`.mapWith(Number).as("total"),
    })
    .from(patients)
    .where(eq(patients.labId, labId))
    .orderBy(descNullsLast(patients.lastActivityAt), patients.id)
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .as("chosen");
}

/** A search's page: its matches, counted as they are found, in the same statement. */
async function searchPatientsPage(
  tx: Tx,
  labId: string,
  userId: string,
  search: Search,
  page: number,
  pageSize: number,
): Promise<PatientListPage> {
  const hits = searchHits(tx, labId, search);
  const chosen = tx
    .select({
      id: hits.id,
      rank: hits.rank,
      activity: hits.activity,
      total: sql<number>`count(*) over ()`.mapWith(Number).as("total"),
    })
    .from(hits)
    .orderBy(sql`${hits.rank} desc`, descNullsLast(hits.activity), hits.id)
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .as("chosen");
  const found = await pageRows(tx, labId, userId, chosen, hits).prepare("patients_search_page").execute();
  let total = found[0]?.total ?? 0;
  if (found.length === 0 && page > 1) {
    // Past the last page the window count has no row to ride on: count the matches alone.
    const [row] = await tx.with(hits).select({ n: count() }).from(hits);
    total = row?.n ?? 0;
  }
  return { rows: found.map(withoutTotal), total, totalIsLowerBound: false, page, pageSize };
}

/** The chosen page's patients with their per-row columns, in the chosen order. */
function pageRows(
  db: Db | Tx,
  labId: string,
  userId: string,
  chosen: ReturnType<typeof latestActivityPage>,
  hits?: ReturnType<typeof searchHits>,
) {
  return db
    .with(...(hits ? [hits] : []))
    .select({
      ...patientNameColumns,
      lastActivityAt: patients.lastActivityAt,
      total: chosen.total,
      // The per-row subqueries name "chosen" explicitly: drizzle renders columns unqualified
      // in sql``, where "id" would resolve to the subquery's own table.
      resultCount: sql<number>`(select count(*)::int from lab_results lr where lr.patient_id = "chosen"."id")`,
      latestStatus: sql<LabResultStatus | null>`(select lr.status from lab_results lr where lr.patient_id = "chosen"."id" order by lr.created_at desc nulls last limit 1)`,
      // "New to me", by the same rule as the header and the dashboard.
      hasUnreadReport: sql<boolean>`exists (${db
        .select({ one: sql`1` })
        .from(interpretationReports)
        .where(and(sql`${interpretationReports.patientId} = "chosen"."id"`, unreadReportCondition(db, userId)))})`,
    })
    .from(chosen)
    .innerJoin(patients, and(eq(patients.id, chosen.id), eq(patients.labId, labId)))
    .orderBy(sql`${chosen.rank} desc`, descNullsLast(chosen.activity), chosen.id);
}

function withoutTotal<T extends { total: number }>({ total: _total, ...row }: T): Omit<T, "total"> {
  return row;
}

/**
 * Runs a search with a cached, generic plan. Planning the search's UNION costs more than
 * running it (about 1 ms against 0.3 ms for a patient id at 100,000 patients), and left
 * to choose, PostgreSQL plans a custom one for every call. The statements are prepared
 * (each connection keeps its own), and for this transaction only the plan cache is told
 * to use the generic plan, without parallel workers: starting them costs more than these
 * index scans (about 9 ms against 0.4 ms), and a generic plan cannot know that.
 */
async function inCachedPlan<T>(db: Db, run: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('plan_cache_mode', 'force_generic_plan', true), set_config('max_parallel_workers_per_gather', '0', true)`,
    );
    return run(tx);
  });
}

/** One patient of the user's labs, or undefined ("not found" for another lab's id). */
export async function getPatientForUser(db: Db, scope: QueryScope, id: string): Promise<Patient | undefined> {
  const { labIds } = scope;
  if (labIds.length === 0) return undefined;
  const [row] = await db
    .select()
    .from(patients)
    .where(and(eq(patients.id, id), inArray(patients.labId, labIds)))
    .limit(1);
  return row;
}
