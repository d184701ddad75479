import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * `npm run package`: the portal as a self-contained runtime folder, `dist/portal` (or the
 * folder given as the first argument): the built portal (.next without its build cache),
 * public/, the front server and the worker and command-line tools (scripts/, run by Node's
 * own TypeScript support or by tsx, with the lib/ and db/ modules they import and the
 * committed migrations), next.config.ts (the custom server loads it) and the production
 * dependencies only, installed from the project's lock file. No tests, no app/ or
 * components/ sources (they run from the build), no simulator, no development
 * dependencies. Start it with `node scripts/serve.ts` in that folder (`npm run serve`).
 * The Dockerfile copies this folder; scripts/package-smoke.ts tests it.
 */

const root = process.cwd();
const out = path.resolve(root, process.argv[2] ?? path.join("dist", "portal"));

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

const notForRuntime = (source: string) => {
  const name = path.basename(source);
  return !(
    name.endsWith(".test.ts") ||
    name === "testing" ||
    name === "parse-fixtures.ts" ||
    name === "cache" ||
    name === "bench"
  );
};

function copy(relative: string, filter: (source: string) => boolean = notForRuntime): void {
  cpSync(path.join(root, relative), path.join(out, relative), { recursive: true, filter, verbatimSymlinks: true });
}

if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.log("No build found: building the portal first (npm run build).");
  run(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build"], root);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// The build, without Next's build cache (webpack/SWC caches: hundreds of MB, unused at run time).
copy(".next");
copy("public");
// What the front server, the worker and the CLIs import (lib/ and db/ without tests and
// test fixtures; db/ with the committed migrations).
copy("lib");
copy("db");
for (const file of [
  "serve.ts",
  "worker.ts",
  "migrate.ts",
  "lab-create.ts",
  "user-create.ts",
  "totp-rotate-key.ts",
  "check-node.cjs",
  "lib/cli.ts",
  "lib/validate.ts",
  "lib/lab-create-command.ts",
  "lib/user-create-command.ts",
  "lib/processes.ts",
  "lib/portal-server.ts",
  "lib/observe-requests.ts",
  "lib/memory-trim.ts",
]) {
  copy(path.join("scripts", file));
}
for (const file of ["next.config.ts", "tsconfig.json", "package-lock.json", ".nvmrc", ".npmrc"]) {
  if (existsSync(path.join(root, file))) copy(file);
}

const project = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
};
const manifest = {
  name: project.name,
  version: project.version,
  private: true,
  type: "module",
  engines: project.engines,
  scripts: {
    prestart: "node scripts/check-node.cjs",
    // A bounded heap, as in the project's own start and serve scripts (see docs/demo.md).
    start: "node --max-old-space-size=384 --max-semi-space-size=8 scripts/serve.ts",
    serve: "node --max-old-space-size=384 --max-semi-space-size=8 scripts/serve.ts",
    // One process (no tsx wrapper in front), so that SIGTERM reaches the worker itself.
    worker: "node --conditions=react-server --import tsx scripts/worker.ts",
    "db:migrate": "tsx --conditions=react-server scripts/migrate.ts",
    "lab:create": "tsx --conditions=react-server scripts/lab-create.ts",
    "user:create": "tsx --conditions=react-server scripts/user-create.ts",
    "totp:rotate-key": "tsx --conditions=react-server scripts/totp-rotate-key.ts",
  },
  dependencies: project.dependencies,
};
writeFileSync(path.join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

// Production dependencies only, at the lock file's versions (from the local npm cache
// when it has them). No install scripts: the native packages ship prebuilt binaries.
run(
  process.platform === "win32" ? "npm.cmd" : "npm",
  ["install", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
  out,
);

console.log(
  `Packaged the portal in ${path.relative(root, out) || "."}: start it there with \`node scripts/serve.ts\`.`,
);
