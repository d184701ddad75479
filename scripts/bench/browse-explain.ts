import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "@/db";
import * as schema from "@/db/schema";

/**
 * EXPLAIN of what the project's query functions really send: a client whose postgres.js
 * `debug` hook records each statement and its parameters while one call runs, then
 * `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` of every recorded statement with the same
 * parameters.
 */

export type CapturedQuery = { sql: string; parameters: unknown[] };

/** The tables whose sequential scans matter at this size. */
export const WATCHED_TABLES = ["patients", "lab_results", "interpretation_reports", "report_read_marks"];

export type PlanLine = { depth: number; text: string };

export type PlanSummary = {
  sql: string;
  parameters: unknown[];
  executionMs: number;
  planningMs: number;
  /** Time spent compiling the plan's expressions (JIT), when the planner's cost estimate passed jit_above_cost. */
  jit: { functions: number; ms: number } | null;
  /** "Index Scan", "Bitmap Index Scan", "Index Only Scan" with the index's name. */
  indexes: { node: string; index: string; table: string | null }[];
  /** Sequential scans of a watched table, with how many rows they read over all loops. */
  seqScans: { table: string; rowsRead: number }[];
  /** Scans (sequential or bitmap heap) that read many rows only to throw them away. */
  wastefulScans: { node: string; table: string; rowsRemoved: number; loops: number }[];
  lines: PlanLine[];
};

const NOT_A_QUERY = /^\s*(begin|commit|rollback|savepoint|release|select set_config\()/i;

export class CapturingClient {
  readonly db: Db;
  private readonly client: postgres.Sql;
  private recording: CapturedQuery[] | null = null;

  constructor(url: string) {
    this.client = postgres(url, {
      max: 1,
      onnotice: () => {},
      debug: (_connection: number, query: string, parameters: unknown[]) => {
        // Transaction control and the search's plan settings (set_config) are not queries to explain.
        if (NOT_A_QUERY.test(query)) return;
        this.recording?.push({ sql: query, parameters: [...parameters] });
      },
    });
    this.db = drizzle(this.client, { schema }) as unknown as Db;
  }

  /** Runs `work` and returns the statements it sent. */
  async capture(work: (db: Db) => Promise<unknown>): Promise<CapturedQuery[]> {
    // The first query of a connection makes postgres.js fetch the array types: not ours to record.
    await this.client.unsafe("select 1");
    this.recording = [];
    try {
      await work(this.db);
      return this.recording;
    } finally {
      this.recording = null;
    }
  }

  async explain(query: CapturedQuery): Promise<PlanSummary> {
    const rows = await this.client.unsafe<Record<string, unknown>[]>(
      `explain (analyze, buffers, format json) ${query.sql}`,
      query.parameters as postgres.ParameterOrJSON<never>[],
    );
    const raw = rows[0]?.["QUERY PLAN"];
    const document: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
    const top = Array.isArray(document) ? asRecord(document[0]) : asRecord(document);
    const plan = asRecord(top["Plan"]);
    const summary: PlanSummary = {
      sql: query.sql,
      parameters: query.parameters,
      executionMs: num(top["Execution Time"]),
      planningMs: num(top["Planning Time"]),
      jit: jitOf(top["JIT"]),
      indexes: [],
      seqScans: [],
      wastefulScans: [],
      lines: [],
    };
    walk(plan, 0, summary);
    return summary;
  }

  close(): Promise<void> {
    return this.client.end({ timeout: 5 });
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function num(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

function jitOf(value: unknown): PlanSummary["jit"] {
  const jit = asRecord(value);
  if (Object.keys(jit).length === 0) return null;
  return { functions: num(jit["Functions"]), ms: num(asRecord(jit["Timing"])["Total"]) };
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** From this many rows read and thrown away (over all loops; EXPLAIN reports them per loop), a scan is reported as wasteful. */
const WASTE_THRESHOLD = 1000;

function walk(node: Record<string, unknown>, depth: number, summary: PlanSummary): void {
  const type = str(node["Node Type"]) ?? "?";
  const table = str(node["Relation Name"]);
  const alias = str(node["Alias"]);
  const index = str(node["Index Name"]);
  const loops = Math.max(1, num(node["Actual Loops"]));
  const removed = (num(node["Rows Removed by Filter"]) + num(node["Rows Removed by Index Recheck"])) * loops;
  const parts = [type];
  if (index) parts.push(`using ${index}`);
  if (table) parts.push(`on ${table}${alias && alias !== table ? ` ${alias}` : ""}`);
  const role = str(node["Subplan Name"]) ?? (node["Parent Relationship"] === "InitPlan" ? "InitPlan" : null);
  const details = [
    `rows=${num(node["Actual Rows"])}`,
    `loops=${loops}`,
    `${num(node["Actual Total Time"]).toFixed(3)} ms`,
  ];
  if (removed > 0) details.push(`removed by filter=${removed}`);
  const hit = num(node["Shared Hit Blocks"]);
  const read = num(node["Shared Read Blocks"]);
  if (hit + read > 0) details.push(`buffers hit=${hit}${read > 0 ? ` read=${read}` : ""}`);
  summary.lines.push({ depth, text: `${role ? `[${role}] ` : ""}${parts.join(" ")} (${details.join(", ")})` });

  if (index && (type === "Index Scan" || type === "Index Only Scan" || type === "Bitmap Index Scan")) {
    summary.indexes.push({ node: type, index, table });
  }
  if (type === "Seq Scan" && table && WATCHED_TABLES.includes(table)) {
    summary.seqScans.push({ table, rowsRead: num(node["Actual Rows"]) * loops + removed });
  }
  if (table && removed >= WASTE_THRESHOLD) {
    summary.wastefulScans.push({ node: type, table, rowsRemoved: removed, loops });
  }
  const children = node["Plans"];
  if (Array.isArray(children)) {
    for (const child of children) walk(asRecord(child), depth + 1, summary);
  }
}
