import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, resolveEnv } from "./env";

function issuesOf(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.issues;
    throw error;
  }
  return [];
}

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.PGLITE_DATA_DIR).toBe(".data/pglite");
    expect(env.DOCUS_DELIVERY_HEADER).toBe("x-api-key");
    expect(env.MAX_UPLOAD_MB).toBe(20);
    expect(env.SESSION_IDLE_MINUTES).toBe(30);
    expect(env.SESSION_MAX_HOURS).toBe(12);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.SEED_DEMO).toBe(false);
  });

  it("treats empty strings as unset", () => {
    const env = parseEnv({ DATABASE_URL: "", PORT: "", DOCUS_API_URL: "" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
  });

  it("names each bad variable", () => {
    const issues = issuesOf({
      PORT: "eighty",
      MAX_UPLOAD_MB: "0",
      DATABASE_URL: "mysql://x",
      DOCUS_API_URL: "not a url",
      DOCUS_WEBHOOK_SECRET: "plain",
      DOCUS_DELIVERY_HEADER: "x api key",
      SEED_DEMO: "yes",
    });
    const named = issues.map((i) => i.split(" ")[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        "PORT",
        "MAX_UPLOAD_MB",
        "DATABASE_URL",
        "DOCUS_API_URL",
        "DOCUS_WEBHOOK_SECRET",
        "DOCUS_DELIVERY_HEADER",
        "SEED_DEMO",
      ]),
    );
  });

  it("requires NEXTAUTH_SECRET in a production deployment", () => {
    const issues = issuesOf({ NODE_ENV: "production", DATABASE_URL: "postgres://localhost/x" });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^NEXTAUTH_SECRET is required in production/);
    expect(issuesOf({ NODE_ENV: "production", DATABASE_URL: "postgres://localhost/x", NEXTAUTH_SECRET: "short" })[0]).toMatch(
      /^NEXTAUTH_SECRET must be at least 32/,
    );
  });

  it("lower-cases the delivery header name", () => {
    expect(parseEnv({ DOCUS_DELIVERY_HEADER: "X-Docus-Secret" }).DOCUS_DELIVERY_HEADER).toBe("x-docus-secret");
  });
});

describe("resolveEnv", () => {
  it("generates the embedded default's secret once and keeps it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "env-test-"));
    const dataDir = path.join(dir, "pglite");
    const first = resolveEnv(parseEnv({ PGLITE_DATA_DIR: dataDir }));
    const second = resolveEnv(parseEnv({ PGLITE_DATA_DIR: dataDir }));
    expect(first.NEXTAUTH_SECRET?.length).toBeGreaterThanOrEqual(32);
    expect(second.NEXTAUTH_SECRET).toBe(first.NEXTAUTH_SECRET);
    expect(readFileSync(path.join(dir, "nextauth-secret"), "utf8").trim()).toBe(first.NEXTAUTH_SECRET);
    expect(first.embedded).toBe(true);
    expect(first.productionDeployment).toBe(false);
    expect(first.NEXTAUTH_URL).toBe("http://localhost:3000");
  });

  it("marks a production build on PostgreSQL as a production deployment", () => {
    const env = resolveEnv(
      parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://h/db", NEXTAUTH_SECRET: "x".repeat(32), PORT: "8080" }),
    );
    expect(env.productionDeployment).toBe(true);
    expect(env.embedded).toBe(false);
    expect(env.NEXTAUTH_URL).toBe("http://localhost:8080");
  });

  it("leaves the secret unset for PostgreSQL outside production (CLIs need none)", () => {
    expect(resolveEnv(parseEnv({ DATABASE_URL: "postgres://h/db" })).NEXTAUTH_SECRET).toBeUndefined();
  });
});
