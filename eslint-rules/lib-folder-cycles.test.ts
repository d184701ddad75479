import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint } from "eslint";
import { afterEach, describe, expect, it } from "vitest";
import plugin, { findPath, libGraph, unitOf } from "./lib-folder-cycles.mjs";

/** The folder-level cycle rule, on a small tree of its own and on this repository's lib/. */

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lib-cycles-"));
  made.push(root);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

async function lint(root: string, file: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        plugins: { "lib-folders": plugin },
        rules: { "lib-folders/no-lib-folder-cycle": "error" },
      },
    ],
  });
  const [result] = await eslint.lintText(fs.readFileSync(path.join(root, file), "utf8"), {
    filePath: path.join(root, file),
  });
  return (result?.messages ?? []).map((message) => message.message);
}

describe("no-lib-folder-cycle", () => {
  it("names a folder or a top-level file of lib as one unit", () => {
    expect(unitOf("lib/send/send.ts")).toBe("send");
    expect(unitOf("lib/audit.ts")).toBe("audit");
    expect(unitOf("db/queries/labs.ts")).toBeNull();
  });

  it("fails both files of a cycle between two folders, through files that do not import each other", async () => {
    const root = tree({
      "lib/jobs/boss.ts": 'import { handler } from "@/lib/send/worker";\nexport const boss = handler;\n',
      "lib/send/worker.ts": "export const handler = 1;\n",
      "lib/send/queue.ts": 'import { boss } from "../jobs/boss";\nexport const queue = boss;\n',
    });
    const [boss] = await lint(root, "lib/jobs/boss.ts");
    expect(boss).toContain("lib/jobs imports lib/send, which leads back (jobs -> send -> jobs)");
    const [queue] = await lint(root, "lib/send/queue.ts");
    expect(queue).toContain("lib/send imports lib/jobs");
    expect(await lint(root, "lib/send/worker.ts")).toEqual([]);
  });

  it("finds a longer cycle, through a top-level file, and passes one-way imports", async () => {
    const root = tree({
      "lib/a/x.ts": 'import { y } from "@/lib/b/y";\nexport const x = y;\n',
      "lib/b/y.ts": 'import { z } from "@/lib/audit";\nexport const y = z;\n',
      "lib/audit.ts": 'export const z = 1;\nexport const later = () => import("@/lib/a/x");\n',
      "lib/c/w.ts": 'import { x } from "@/lib/a/x";\nexport const w = x;\n',
      "lib/a/x.test.ts": 'import { w } from "@/lib/c/w";\n',
    });
    expect((await lint(root, "lib/a/x.ts"))[0]).toContain("a -> b -> audit -> a");
    expect(await lint(root, "lib/c/w.ts")).toEqual([]);
  });

  it("finds no cycle between the folders of this repository's lib/", () => {
    const graph = libGraph(process.cwd());
    expect(graph.size).toBeGreaterThan(10);
    const cycles = [...graph].flatMap(([from, targets]) =>
      [...targets.keys()].map((to) => findPath(graph, to, from)).filter((way) => way !== null),
    );
    expect(cycles).toEqual([]);
  });
});
