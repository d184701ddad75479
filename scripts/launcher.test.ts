import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The launcher (npm start, npm run serve, npm run docus:simulator) runs on Node's own
 * TypeScript support, with no loader: these run the real files in a plain `node` and
 * check that they load and speak to a person when something is wrong.
 */

const root = path.resolve(import.meta.dirname, "..");
// (Next.js types NODE_ENV as always set; a clean environment has none.)
const cleanEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } as Record<
  string,
  string
> as NodeJS.ProcessEnv;

function runNode(script: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [path.join(root, script)], {
    cwd: root,
    env: { ...cleanEnv, ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("launcher scripts under plain node", () => {
  it("npm start refuses a bad setting with one message naming the variable, before building", () => {
    const result = runNode("scripts/start.ts", { PORT: "not-a-port" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("PORT must be a whole number");
    expect(result.stderr).not.toContain("ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX");
  });

  it("npm run serve refuses a bad setting the same way", () => {
    const result = runNode("scripts/serve.ts", { MAX_UPLOAD_MB: "0" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("MAX_UPLOAD_MB");
  });

  it("the simulator says which credentials it needs", () => {
    const result = runNode("scripts/docus-simulator/main.ts", { DOCUS_SIM_PORT: "4999" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Set DOCUS_API_KEY, DOCUS_TEAM_ID, DOCUS_AUTH_KEY");
  });
});

describe("the Node.js version check", () => {
  const { versionProblem } = createRequire(import.meta.url)(path.join(root, "scripts/check-node.cjs")) as {
    versionProblem: (found: string, execPath: string) => string | null;
  };

  it("refuses Node 20 and 22.11 in one line that says what was found and what is needed", () => {
    for (const found of ["20.20.2", "22.11.0", "18.0.0"]) {
      const message = versionProblem(found, "/opt/node/bin/node");
      expect(message).toContain(`found ${found}`);
      expect(message).toContain("needs Node.js 22.12 or later");
      expect(message).toContain("nvm install");
      expect(message?.split("\n")).toHaveLength(1);
    }
  });

  it("accepts 22.12 and later", () => {
    for (const found of ["22.12.0", "22.20.1", "24.21.0", "26.0.0"]) expect(versionProblem(found, "node")).toBeNull();
  });

  it("passes the Node running the tests", () => {
    const result = spawnSync(process.execPath, [path.join(root, "scripts/check-node.cjs")], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
  });
});
