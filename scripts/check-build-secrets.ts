import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "@/lib/env";

/**
 * Fails when the build output (.next) contains the value of any server-held secret that
 * was set while building: Docus credentials, delivery secrets, the session secret.
 * CI builds with sentinel values so that this check always has something to find.
 */

const env = parseEnv(process.env);
const secrets = Object.entries({
  DOCUS_API_KEY: env.DOCUS_API_KEY,
  DOCUS_TEAM_ID: env.DOCUS_TEAM_ID,
  DOCUS_AUTH_KEY: env.DOCUS_AUTH_KEY,
  DOCUS_DELIVERY_SECRET: env.DOCUS_DELIVERY_SECRET,
  DOCUS_WEBHOOK_SECRET: env.DOCUS_WEBHOOK_SECRET,
  NEXTAUTH_SECRET: env.NEXTAUTH_SECRET,
}).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1].length >= 8);

const buildDir = path.join(process.cwd(), ".next");

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else yield full;
  }
}

if (secrets.length === 0) {
  console.error("check-build-secrets: no secret values are set, so there is nothing to look for. Set them while building.");
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
console.log(`check-build-secrets: ${scanned} files of .next scanned; none contains ${secrets.map(([n]) => n).join(", ")}.`);
