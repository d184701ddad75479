import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migratedTemplate } from "./test-db";

/**
 * Vitest's global setup: migrates one template database for the whole run (a PGlite
 * folder, or a PostgreSQL database next to DATABASE_URL's) so that each test file's
 * fresh database is a copy of it rather than a migration of its own (about 0.7 s instead
 * of 5 s on the embedded engine). Test files find it through TEST_DB_TEMPLATE.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const baseUrl = process.env.DATABASE_URL || undefined;
  if (baseUrl) {
    const name = `test_template_${randomBytes(6).toString("hex")}`;
    const drop = await migratedTemplate({ kind: "postgres", baseUrl, name });
    process.env.TEST_DB_TEMPLATE = name;
    return drop;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "lab-portal-template-"));
  const dataDir = path.join(dir, "pglite");
  await migratedTemplate({ kind: "pglite", dataDir });
  process.env.TEST_DB_TEMPLATE = dataDir;
  return async () => rmSync(dir, { recursive: true, force: true });
}
