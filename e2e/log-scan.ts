import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { USED_VALUES_DIR } from "./fixtures/ids";

/**
 * Playwright's global teardown: the portals' logs of this run hold no patient data. Every
 * e2e portal writes its output to test-results/portal-<port>.log (startPortalProcess; one per
 * server, so one per shard when the suite runs in several). This scans all of them for:
 * - every value the specs made up with unique() (patient ids, accession numbers, …),
 *   which each test process recorded in test-results/e2e-values/;
 * - every patient name the specs type in (the givenName/familyName literals of e2e/).
 * Runs after the last spec, before the servers stop.
 */

const root = process.cwd();
const resultsDir = path.join(root, "test-results");

function specNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts")) {
        const text = readFileSync(file, "utf8");
        for (const match of text.matchAll(/(?:givenName|familyName):\s*"([^"]{3,})"/g)) names.add(match[1]!);
      }
    }
  };
  walk(path.join(root, "e2e"));
  return [...names];
}

export default function scanPortalLogs(): void {
  const logs = existsSync(resultsDir) ? readdirSync(resultsDir).filter((name) => /^portal-\d+\.log$/.test(name)) : [];
  if (logs.length === 0) throw new Error("log scan: no portal log in test-results/ (portal-<port>.log)");
  const made = existsSync(USED_VALUES_DIR)
    ? readdirSync(USED_VALUES_DIR).flatMap((file) =>
        readFileSync(path.join(USED_VALUES_DIR, file), "utf8").split("\n").filter(Boolean),
      )
    : [];
  const values = [...new Set([...made, ...specNames()])];
  const found: string[] = [];
  let lines = 0;
  for (const log of logs) {
    const text = readFileSync(path.join(resultsDir, log), "utf8");
    const logLines = text.split("\n");
    lines += logLines.length;
    for (const value of values) {
      const index = logLines.findIndex((line) => line.includes(value));
      if (index >= 0) found.push(`${log}:${index + 1}: "${value}" in ${logLines[index]!.slice(0, 300)}`);
    }
  }
  if (found.length > 0) {
    throw new Error(`log scan: patient data in the portals' logs:\n${found.join("\n")}`);
  }
  console.log(
    `log scan: ${values.length} patient ids, accession numbers and names used by the specs; none in ${lines} lines of ${logs.join(", ")}`,
  );
}
