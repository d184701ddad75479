import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { withDatabase } from "@/lib/testing/test-db";

/**
 * The CLIs as a person runs them: separate processes against a fresh database
 * (PostgreSQL next to DATABASE_URL, or an embedded PGlite folder when it is unset).
 */

const run = promisify(execFile);
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
const baseUrl = parseEnv(process.env).DATABASE_URL;

let targetEnv: Record<string, string>;
let cleanup: () => Promise<void>;
let tmp: string;

type CliResult = { code: number; stdout: string; stderr: string };

async function cli(script: string, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  try {
    const file = script.includes("/") ? script : `scripts/${script}.ts`;
    const { stdout, stderr } = await run(tsx, ["--conditions=react-server", file, ...args], {
      env: { ...process.env, ...targetEnv, ...extraEnv, NODE_ENV: "development" },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), "lab-portal-cli-"));
  if (baseUrl) {
    const { default: postgres } = await import("postgres");
    const name = `test_cli_${process.pid}_${Date.now()}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    targetEnv = { DATABASE_URL: withDatabase(baseUrl, name) };
    cleanup = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    targetEnv = { DATABASE_URL: "", PGLITE_DATA_DIR: path.join(tmp, "pglite") };
    cleanup = async () => {};
  }
  const migrated = await cli("migrate", []);
  expect(migrated.stderr).toBe("");
  expect(migrated.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await cleanup?.();
  rmSync(tmp, { recursive: true, force: true });
});

describe("lab:create", () => {
  it("creates a lab and prints its id", async () => {
    const result = await cli("lab-create", ["--name", "North Lab", "--partner-lab-id", "north-1"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Created lab "North Lab" \(partner lab id north-1\)/);
    expect(result.stdout).toMatch(/^id: [0-9a-f-]{36}$/m);
  });

  it("refuses a duplicate name or partner lab id with exit code 1", async () => {
    const byName = await cli("lab-create", ["--name", "North Lab"]);
    expect(byName.code).toBe(1);
    expect(byName.stderr).toMatch(/already exists/);
    const byPartner = await cli("lab-create", ["--name", "Other", "--partner-lab-id", "north-1"]);
    expect(byPartner.code).toBe(1);
  });

  it("explains a missing name or an unknown flag, with usage and exit code 2", async () => {
    const missing = await cli("lab-create", []);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--name must not be empty/);
    expect(missing.stderr).toMatch(/usage: npm run lab:create/);
    const unknown = await cli("lab-create", ["--nmae", "x"]);
    expect(unknown.code).toBe(2);
    const badPartner = await cli("lab-create", ["--name", "Bad", "--partner-lab-id", "has space"]);
    expect(badPartner.code).toBe(2);
    expect(badPartner.stderr).toMatch(/--partner-lab-id must be/);
  });
});

describe("user:create", () => {
  it("creates a user in labs named by name or partner lab id", async () => {
    await cli("lab-create", ["--name", "South Lab"]);
    const result = await cli("user-create", [
      "--email",
      "Tech@North.test",
      "--password",
      "a-long-enough-password",
      "--role",
      "technician",
      "--lab",
      "north-1",
      "--lab",
      "South Lab",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Created technician tech@north\.test in north-1, South Lab/);
    expect(result.stdout).toMatch(/^id: [0-9a-f-]{36}$/m);
  });

  it("refuses bad input with messages that name the flag", async () => {
    const bad = await cli("user-create", ["--email", "not-an-email", "--password", "short", "--role", "nurse"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--email must be a valid email address/);
    expect(bad.stderr).toMatch(/--password must be at least 12 characters/);
    expect(bad.stderr).toMatch(/--role must be one of operator, admin, technician, doctor/);
  });

  it("refuses an unknown lab and a duplicate email, creating nothing", async () => {
    const unknownLab = await cli("user-create", [
      "--email",
      "x@y.test",
      "--password",
      "a-long-enough-password",
      "--role",
      "doctor",
      "--lab",
      "Nowhere",
    ]);
    expect(unknownLab.code).toBe(1);
    expect(unknownLab.stderr).toMatch(/no lab named or with partner lab id "Nowhere"/);
    const dup = await cli("user-create", [
      "--email",
      "tech@north.test",
      "--password",
      "a-long-enough-password",
      "--role",
      "doctor",
    ]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    // x@y.test was not created by the failed attempt.
    const again = await cli("user-create", [
      "--email",
      "x@y.test",
      "--password",
      "a-long-enough-password",
      "--role",
      "doctor",
    ]);
    expect(again.code).toBe(0);
  });
});

describe("totp:rotate-key", () => {
  const keyA = randomBytes(32).toString("base64");
  const keyB = randomBytes(32).toString("base64");
  const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  const keys = (current: string, previous: string[] = []) => ({
    TOTP_ENCRYPTION_KEY: current,
    TOTP_ENCRYPTION_KEYS_PREVIOUS: previous.join(","),
  });

  it("re-encrypts a plain-text secret, then moves to a new key, and refuses a secret no key opens", async () => {
    const created = await cli("user-create", [
      "--email",
      "rotating-op@lab.test",
      "--password",
      "copper kettle orbit lantern",
      "--role",
      "operator",
    ]);
    expect(created.code).toBe(0);
    const userId = /^id: ([0-9a-f-]{36})$/m.exec(created.stdout)![1]!;
    // A secret stored before encryption existed (as the e2e fixture stores it).
    expect((await cli("e2e/fixtures/enrol-two-factor.ts", [secret, "rotating-op@lab.test"])).code).toBe(0);

    const first = await cli("totp-rotate-key", [], keys(keyA));
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(
      /Re-encrypted 1 of 1 stored TOTP secret\(s\) with key [0-9a-f]{8} \(1 were plain text\)/,
    );

    // Key B alone cannot open what key A encrypted: refused, naming the user and no secret.
    const refused = await cli("totp-rotate-key", [], keys(keyB));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(userId);
    expect(refused.stderr).toMatch(/Nothing was changed/);
    expect(refused.stderr + refused.stdout).not.toContain(secret);

    const rotated = await cli("totp-rotate-key", [], keys(keyB, [keyA]));
    expect(rotated.stdout).toMatch(/Re-encrypted 1 of 1 .*\(0 were plain text\)/);
    const done = await cli("totp-rotate-key", [], keys(keyB));
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/Re-encrypted 0 of 1 .*1 already used that key/);
  });

  it("refuses a key that is not 32 bytes of base64", async () => {
    const result = await cli("totp-rotate-key", [], { TOTP_ENCRYPTION_KEY: "too-short" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TOTP_ENCRYPTION_KEY must be the base64 of 32 random bytes/);
  });
});

describe("embedded database lock", () => {
  let holder: ChildProcess;
  const embedded = () => ({ DATABASE_URL: "", PGLITE_DATA_DIR: path.join(tmp, "locked-pglite") });
  afterAll(() => {
    holder?.kill();
  });

  it("refuses to open the embedded database while another live process holds it", async () => {
    // A Node.js process, as a running portal is (a process id that another program holds
    // is not taken for the lock's holder).
    holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);
    await new Promise((resolve) => holder.once("spawn", resolve));
    mkdirSync(embedded().PGLITE_DATA_DIR, { recursive: true });
    writeFileSync(`${embedded().PGLITE_DATA_DIR}.lock`, String(holder.pid));
    const result = await cli("migrate", [], embedded());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`in use by process ${holder.pid}`));
    expect(result.stderr).toMatch(/stop the portal first/);
  });

  it("takes over a lock left by a process that is gone", async () => {
    holder.kill();
    await new Promise((resolve) => holder.once("exit", resolve));
    const result = await cli("migrate", [], embedded());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Migrations applied to the embedded database/);
  });
});
