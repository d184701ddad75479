import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, docusLaunch, parseEnv, parseMaxUploadMb, resolveEnv } from "./env";

const TOTP_KEY = Buffer.alloc(32, 7).toString("base64");

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
    const issues = issuesOf({
      NODE_ENV: "production",
      DATABASE_URL: "postgres://localhost/x",
      TOTP_ENCRYPTION_KEY: TOTP_KEY,
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^NEXTAUTH_SECRET is required in production/);
    expect(
      issuesOf({ NODE_ENV: "production", DATABASE_URL: "postgres://localhost/x", NEXTAUTH_SECRET: "short" })[0],
    ).toMatch(/^NEXTAUTH_SECRET must be at least 32/);
  });

  it("requires TOTP_ENCRYPTION_KEY in a production deployment, as base64 of 32 bytes, and reads the previous keys", () => {
    const production = {
      NODE_ENV: "production",
      DATABASE_URL: "postgres://localhost/x",
      NEXTAUTH_SECRET: "x".repeat(32),
    };
    expect(issuesOf(production)).toEqual([expect.stringMatching(/^TOTP_ENCRYPTION_KEY is required in production/)]);
    expect(issuesOf({ ...production, TOTP_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })[0]).toMatch(
      /^TOTP_ENCRYPTION_KEY must be the base64 of 32 random bytes/,
    );
    expect(issuesOf({ ...production, TOTP_ENCRYPTION_KEY: TOTP_KEY })).toEqual([]);
    const other = Buffer.alloc(32, 9).toString("base64url");
    expect(
      parseEnv({ TOTP_ENCRYPTION_KEYS_PREVIOUS: ` ${TOTP_KEY}, ${other} ,` }).TOTP_ENCRYPTION_KEYS_PREVIOUS,
    ).toEqual([TOTP_KEY, other]);
    expect(parseEnv({}).TOTP_ENCRYPTION_KEYS_PREVIOUS).toEqual([]);
    expect(issuesOf({ TOTP_ENCRYPTION_KEYS_PREVIOUS: `${TOTP_KEY},short` })[0]).toMatch(
      /^TOTP_ENCRYPTION_KEYS_PREVIOUS\.1 each key must be the base64 of 32 random bytes/,
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
    // The TOTP encryption key likewise: 32 random bytes in base64, kept beside it.
    expect(Buffer.from(first.TOTP_ENCRYPTION_KEY ?? "", "base64")).toHaveLength(32);
    expect(second.TOTP_ENCRYPTION_KEY).toBe(first.TOTP_ENCRYPTION_KEY);
    expect(first.TOTP_ENCRYPTION_KEY).not.toBe(first.NEXTAUTH_SECRET);
    expect(readFileSync(path.join(dir, "totp-encryption-key"), "utf8").trim()).toBe(first.TOTP_ENCRYPTION_KEY);
    expect(first.embedded).toBe(true);
    expect(first.productionDeployment).toBe(false);
    expect(first.NEXTAUTH_URL).toBe("http://localhost:3000");
  });

  it("marks a production build on PostgreSQL as a production deployment", () => {
    const env = resolveEnv(
      parseEnv({
        NODE_ENV: "production",
        DATABASE_URL: "postgres://h/db",
        NEXTAUTH_SECRET: "x".repeat(32),
        TOTP_ENCRYPTION_KEY: TOTP_KEY,
        PORT: "8080",
      }),
    );
    expect(env.productionDeployment).toBe(true);
    expect(env.embedded).toBe(false);
    expect(env.NEXTAUTH_URL).toBe("http://localhost:8080");
  });

  it("leaves the secret unset for PostgreSQL outside production (CLIs need none)", () => {
    expect(resolveEnv(parseEnv({ DATABASE_URL: "postgres://h/db" })).NEXTAUTH_SECRET).toBeUndefined();
    expect(resolveEnv(parseEnv({ DATABASE_URL: "postgres://h/db" })).TOTP_ENCRYPTION_KEY).toBeUndefined();
  });
});

describe("security settings", () => {
  const production = {
    NODE_ENV: "production",
    DATABASE_URL: "postgres://db/portal",
    NEXTAUTH_SECRET: "x".repeat(32),
    TOTP_ENCRYPTION_KEY: TOTP_KEY,
  };

  it("refuses plain-http NEXTAUTH_URL and DOCUS_API_URL in a production deployment", () => {
    const issues = issuesOf({
      ...production,
      NEXTAUTH_URL: "http://portal.lab.example",
      DOCUS_API_URL: "http://docus.example",
    });
    expect(issues.map((i) => i.split(" ")[0])).toEqual(expect.arrayContaining(["NEXTAUTH_URL", "DOCUS_API_URL"]));
    expect(
      issuesOf({ ...production, NEXTAUTH_URL: "https://portal.lab.example", DOCUS_API_URL: "https://docus.example" }),
    ).toEqual([]);
  });

  it("allows plain http when TLS ends in front of the portal (ALLOW_INSECURE_HTTP=1), on loopback, and outside production", () => {
    expect(issuesOf({ ...production, NEXTAUTH_URL: "http://portal.lab.example", ALLOW_INSECURE_HTTP: "1" })).toEqual(
      [],
    );
    expect(
      issuesOf({ ...production, NEXTAUTH_URL: "http://localhost:3000", DOCUS_API_URL: "http://127.0.0.1:4010" }),
    ).toEqual([]);
    expect(issuesOf({ DATABASE_URL: "postgres://db/portal", NEXTAUTH_URL: "http://portal.lab.example" })).toEqual([]);
  });

  it("trusts no proxy hops by default", () => {
    expect(parseEnv({}).TRUST_PROXY_HOPS).toBe(0);
    expect(parseEnv({ TRUST_PROXY_HOPS: "2" }).TRUST_PROXY_HOPS).toBe(2);
    expect(issuesOf({ TRUST_PROXY_HOPS: "-1" })[0]).toMatch(/^TRUST_PROXY_HOPS/);
  });
});

describe("docusLaunch", () => {
  it("refuses a PostgreSQL deployment without Docus settings instead of silently simulating", () => {
    const launch = docusLaunch(
      resolveEnv(parseEnv({ DATABASE_URL: "postgres://db/portal", NEXTAUTH_SECRET: "x".repeat(32) })),
    );
    expect(launch.kind).toBe("refused");
    if (launch.kind === "refused") expect(launch.message).toMatch(/DOCUS_API_URL.*DOCUS_SIMULATOR=1/s);
  });

  it("runs the simulator on the embedded default or when asked for, and marks the portal as simulated", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "env-"));
    const embedded = resolveEnv(parseEnv({ PGLITE_DATA_DIR: path.join(dir, "pglite") }));
    expect(docusLaunch(embedded)).toEqual({ kind: "simulator" });
    expect(embedded.docusSimulated).toBe(true);
    const asked = resolveEnv(
      parseEnv({ DATABASE_URL: "postgres://db/portal", NEXTAUTH_SECRET: "x".repeat(32), DOCUS_SIMULATOR: "1" }),
    );
    expect(docusLaunch(asked)).toEqual({ kind: "simulator" });
    expect(asked.docusSimulated).toBe(true);
  });

  it("uses the real Docus when DOCUS_API_URL is set, with no banner", () => {
    const real = resolveEnv(
      parseEnv({
        DATABASE_URL: "postgres://db/portal",
        NEXTAUTH_SECRET: "x".repeat(32),
        DOCUS_API_URL: "https://docus.example",
      }),
    );
    expect(docusLaunch(real)).toEqual({ kind: "real" });
    expect(real.docusSimulated).toBe(false);
  });
});

describe("operations settings", () => {
  it("default to info logs, no metrics endpoint, the worker inside", () => {
    const env = parseEnv({});
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.METRICS_TOKEN).toBeUndefined();
    expect(env.RUN_WORKER).toBe(true);
    expect(env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY).toBeUndefined();
  });

  it("read RUN_WORKER=0 and a 32-byte server-actions key", () => {
    const key = Buffer.alloc(32, 1).toString("base64");
    const env = parseEnv({ RUN_WORKER: "0", NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: key, LOG_LEVEL: "debug" });
    expect(env.RUN_WORKER).toBe(false);
    expect(env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY).toBe(key);
    expect(env.LOG_LEVEL).toBe("debug");
  });

  it("refuse a bad level, a short metrics token and a key that is not 16, 24 or 32 bytes", () => {
    const issues = issuesOf({
      LOG_LEVEL: "verbose",
      METRICS_TOKEN: "short",
      NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: Buffer.alloc(10).toString("base64"),
    });
    expect(issues.join("\n")).toContain("LOG_LEVEL must be one of");
    expect(issues.join("\n")).toContain("METRICS_TOKEN must be at least 16 characters");
    expect(issues.join("\n")).toContain("NEXT_SERVER_ACTIONS_ENCRYPTION_KEY must be the Base64");
  });
});

describe("parseMaxUploadMb (next.config.ts)", () => {
  it("reads the upload limit alone, without the secrets a production start requires", () => {
    const production = { NODE_ENV: "production", DATABASE_URL: "postgres://db.example/portal" };
    expect(() => parseEnv(production)).toThrow(EnvError);
    expect(parseMaxUploadMb(production)).toBe(20);
    expect(parseMaxUploadMb({ ...production, MAX_UPLOAD_MB: "7" })).toBe(7);
  });

  it("refuses a bad limit as parseEnv does", () => {
    expect(() => parseMaxUploadMb({ MAX_UPLOAD_MB: "0" })).toThrow(/MAX_UPLOAD_MB/);
    expect(() => parseMaxUploadMb({ MAX_UPLOAD_MB: "lots" })).toThrow(EnvError);
  });
});
