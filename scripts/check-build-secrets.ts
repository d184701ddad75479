import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "@/lib/env";

/**
 * Fails when the build output (.next) contains the value of any server-held secret that
 * was set while building: Docus credentials, delivery secrets, the session secret, the
 * TOTP encryption keys.
 *
 * `--build` (what `npm test` runs) builds first, and gives every secret that is not set a
 * fresh sentinel value for that build, so that the scan always has something to look
 * for, on a new machine with no configuration as much as in CI. Without `--build` it
 * scans an existing build for the values set now (set them as they were while building).
 */

const secretNames = [
  "DOCUS_API_KEY",
  "DOCUS_TEAM_ID",
  "DOCUS_AUTH_KEY",
  "DOCUS_DELIVERY_SECRET",
  "DOCUS_WEBHOOK_SECRET",
  "NEXTAUTH_SECRET",
  "TOTP_ENCRYPTION_KEY",
] as const;

function sentinel(name: (typeof secretNames)[number]): string {
  // A key must be the base64 of 32 bytes, or the configuration is refused: random ones are unique enough.
  if (name === "TOTP_ENCRYPTION_KEY") return randomBytes(32).toString("base64");
  const value = `sentinel-${name.toLowerCase().replaceAll("_", "-")}-${randomBytes(12).toString("hex")}`;
  // The webhook secret must keep its documented shape, or the configuration is refused.
  return name === "DOCUS_WEBHOOK_SECRET" ? `whsec_${Buffer.from(value).toString("base64")}` : value;
}

const buildEnv: NodeJS.ProcessEnv = { ...process.env };
if (process.argv.includes("--build")) {
  const filled: string[] = [];
  for (const name of secretNames) {
    if (!buildEnv[name]) {
      buildEnv[name] = sentinel(name);
      filled.push(name);
    }
  }
  if (filled.length > 0) console.log(`check-build-secrets: building with sentinel values for ${filled.join(", ")}.`);
  // `--typechecked`: the caller has just type-checked the project with the route types
  // (`npm run typecheck`: next typegen, then tsc), so the build skips its own pass of the
  // same check (next.config.ts). `npm test` does so.
  if (process.argv.includes("--typechecked")) buildEnv.BUILD_TYPECHECKED = "1";
  const nextBin = path.join(process.cwd(), "node_modules", ".bin", "next");
  const build = spawnSync(nextBin, ["build"], { stdio: "inherit", env: buildEnv });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const env = parseEnv(buildEnv);
const secrets = [
  ...secretNames.map((name): [string, string | undefined] => [name, env[name]]),
  ...env.TOTP_ENCRYPTION_KEYS_PREVIOUS.map((key): [string, string] => ["TOTP_ENCRYPTION_KEYS_PREVIOUS", key]),
].filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1].length >= 8);

const buildDir = path.join(process.cwd(), ".next");

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else yield full;
  }
}

if (secrets.length === 0) {
  console.error(
    "check-build-secrets: no secret values are set, so there is nothing to look for. Run it with --build, or set them as they were while building.",
  );
  process.exit(1);
}

let scanned = 0;
const leaks: string[] = [];
for (const file of files(buildDir)) {
  const content = readFileSync(file);
  scanned++;
  for (const [name, value] of secrets) {
    if (content.includes(value)) leaks.push(`${name} in ${path.relative(process.cwd(), file)}`);
  }
}

if (leaks.length > 0) {
  console.error(`check-build-secrets: secret values found in the build output:\n  ${leaks.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `check-build-secrets: ${scanned} files of .next scanned; none contains ${secrets.map(([n]) => n).join(", ")}.`,
);
