import { describe, expect, it } from "vitest";
import { discoverBenchScripts, discoverProjectBenches } from "./discover";

describe("bench:smoke's discovery", () => {
  it("finds every bench:* script of package.json but itself, and refuses none of them", () => {
    const { benches, refused } = discoverProjectBenches();
    expect(refused).toEqual([]);
    const names = benches.map((bench) => bench.name);
    for (const name of [
      "bench:upload",
      "bench:batch",
      "bench:browse",
      "bench:deliveries",
      "bench:manifest",
      "bench:memory",
    ]) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain("bench:smoke");
    for (const bench of benches) expect(bench.file).toMatch(/^scripts\/bench\/[\w./-]+\.ts$/);
  });

  it("refuses a bench script whose file does not mention --smoke, or that runs no benchmark file", () => {
    const files: Record<string, string> = {
      "scripts/bench/good.ts": 'const smoke = process.argv.includes("--smoke");',
      "scripts/bench/old.ts": "runs for ten minutes whatever it is told",
    };
    const { benches, refused } = discoverBenchScripts(
      {
        "bench:good": "tsx --conditions=react-server scripts/bench/good.ts",
        "bench:old": "node --import tsx scripts/bench/old.ts",
        "bench:gone": "tsx scripts/bench/gone.ts",
        "bench:shell": "echo hello",
        "bench:smoke": "node --import tsx scripts/bench/smoke.ts",
        build: "next build",
      },
      (file) => files[file] ?? null,
    );
    expect(benches.map((bench) => bench.name)).toEqual(["bench:good"]);
    expect(refused.map((r) => r.name)).toEqual(["bench:gone", "bench:old", "bench:shell"]);
    expect(refused.find((r) => r.name === "bench:old")?.reason).toContain("does not mention --smoke");
  });
});
