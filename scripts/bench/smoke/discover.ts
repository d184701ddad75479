import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Which benchmarks `npm run bench:smoke` runs: every `bench:*` script of package.json
 * (but bench:smoke itself), each with the benchmark file its command runs. A benchmark
 * whose file does not mention `--smoke` is refused: it would run its full, long version
 * in CI, or ignore the flag.
 */

export type BenchScript = { name: string; command: string; file: string };

export type Discovery = { benches: BenchScript[]; refused: { name: string; reason: string }[] };

const BENCH_FILE = /(?:^|\s)(scripts\/bench\/[\w./-]+\.ts)(?:\s|$)/;

export function discoverBenchScripts(
  scripts: Record<string, string>,
  readText: (file: string) => string | null,
  self = "bench:smoke",
): Discovery {
  const benches: BenchScript[] = [];
  const refused: Discovery["refused"] = [];
  for (const [name, command] of Object.entries(scripts).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith("bench:") || name === self) continue;
    const file = BENCH_FILE.exec(command)?.[1];
    if (!file) {
      refused.push({ name, reason: `its command runs no scripts/bench/*.ts file: ${command}` });
      continue;
    }
    const text = readText(file);
    if (text === null) {
      refused.push({ name, reason: `${file} does not exist` });
      continue;
    }
    if (!text.includes("--smoke")) {
      refused.push({ name, reason: `${file} does not mention --smoke (every benchmark must accept it)` });
      continue;
    }
    benches.push({ name, command, file });
  }
  return { benches, refused };
}

/** discoverBenchScripts on the project's own package.json. */
export function discoverProjectBenches(root = process.cwd()): Discovery {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  return discoverBenchScripts(pkg.scripts ?? {}, (file) => {
    try {
      return readFileSync(path.join(root, file), "utf8");
    } catch {
      return null;
    }
  });
}
