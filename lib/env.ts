import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The portal's whole configuration. This is the only module that reads `process.env`;
 * everything else asks `getEnv()`. Parsing is lazy so that `next build`, which imports
 * route modules, does not need production secrets.
 */

/** Environment values arrive as strings; an empty string means "not set". */
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());
const optionalUrl = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
);
const intWithDefault = (fallback: number, min: number, max: number) =>
  z.preprocess(
    (v) => (v === "" || v === undefined ? fallback : v),
    z.coerce
      .number({ error: "must be a whole number" })
      .int({ error: "must be a whole number" })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` }),
  );
/** A 256-bit key written as base64 (or base64url) of exactly 32 bytes. */
export function isBase64Key32(value: string): boolean {
  return /^[A-Za-z0-9+/_-]{43}=?$/.test(value) && Buffer.from(value, "base64").length === 32;
}
const KEY_HINT = "must be the base64 of 32 random bytes (try: openssl rand -base64 32)";
const base64Key = z.string().refine(isBase64Key32, { error: KEY_HINT });
const flag = z.preprocess(
  (v) => (v === "" || v === undefined ? "0" : v),
  z
    .enum(["0", "1", "true", "false"], { error: "must be 1, 0, true or false" })
    .transform((v) => v === "1" || v === "true"),
);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: intWithDefault(3000, 1, 65535),
    DATABASE_URL: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, { error: "must be a postgres:// or postgresql:// URL" })
        .optional(),
    ),
    PGLITE_DATA_DIR: z.preprocess((v) => (v === "" ? undefined : v), z.string().default(".data/pglite")),
    NEXTAUTH_URL: optionalUrl,
    NEXTAUTH_SECRET: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.string().min(32, { error: "must be at least 32 characters (try: openssl rand -base64 32)" }).optional(),
    ),
    /**
     * Encrypts the TOTP secrets stored in the database (AES-256-GCM). The current key
     * encrypts; the previous ones (comma-separated) are still accepted for decryption
     * until `npm run totp:rotate-key` has re-encrypted everything with the current one.
     */
    TOTP_ENCRYPTION_KEY: z.preprocess((v) => (v === "" ? undefined : v), base64Key.optional()),
    TOTP_ENCRYPTION_KEYS_PREVIOUS: z.preprocess(
      (v) =>
        typeof v === "string"
          ? v
              .split(",")
              .map((k) => k.trim())
              .filter((k) => k !== "")
          : [],
      z.array(z.string().refine(isBase64Key32, { error: `each key ${KEY_HINT}` })),
    ),
    DOCUS_API_URL: optionalUrl,
    DOCUS_API_KEY: optionalString,
    DOCUS_TEAM_ID: optionalString,
    DOCUS_AUTH_KEY: optionalString,
    DOCUS_DELIVERY_HEADER: z.preprocess(
      (v) => (v === "" || v === undefined ? "x-api-key" : v),
      z
        .string()
        .regex(/^[A-Za-z0-9-]+$/, { error: "must be an HTTP header name (letters, digits, -)" })
        .transform((v) => v.toLowerCase()),
    ),
    DOCUS_DELIVERY_SECRET: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.string().min(16, { error: "must be at least 16 characters" }).optional(),
    ),
    DOCUS_WEBHOOK_SECRET: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, { error: "must look like whsec_<base64>" })
        .optional(),
    ),
    MAX_UPLOAD_MB: intWithDefault(20, 1, 200),
    /** Largest report delivery body accepted from Docus (Base64 JSON). */
    MAX_DELIVERY_MB: intWithDefault(30, 1, 500),
    SESSION_IDLE_MINUTES: intWithDefault(30, 1, 24 * 60),
    SESSION_MAX_HOURS: intWithDefault(12, 1, 24 * 30),
    SEED_DEMO: flag,
    /**
     * Untrusted files (uploaded PDFs, delivered reports, XLSX manifests) are parsed in worker
     * threads: at most PARSE_WORKERS at once, each with a heap of PARSE_WORKER_MAX_HEAP_MB and
     * terminated when its file's time is up. A PDF with a non-image Flate stream that inflates
     * to more than PDF_PARSE_MAX_STREAM_MB (pdf.js holds a decoded stream whole), or all of them
     * to more than PDF_PARSE_MAX_INFLATED_MB, or an XLSX whose zip directory claims more than
     * XLSX_MAX_INFLATED_MB, is refused before pdf.js or the spreadsheet reader inflates it.
     */
    PARSE_WORKERS: intWithDefault(2, 1, 64),
    PARSE_WORKER_MAX_HEAP_MB: intWithDefault(96, 32, 4096),
    PDF_PARSE_TIMEOUT_MS: intWithDefault(5_000, 100, 120_000),
    PDF_PARSE_MAX_STREAM_MB: intWithDefault(16, 1, 4096),
    PDF_PARSE_MAX_INFLATED_MB: intWithDefault(64, 1, 4096),
    XLSX_PARSE_TIMEOUT_MS: intWithDefault(10_000, 100, 120_000),
    XLSX_MAX_INFLATED_MB: intWithDefault(32, 1, 4096),
    /** Retries of transient Docus failures: exponential backoff with jitter from this base. */
    DOCUS_RETRY_MAX_ATTEMPTS: intWithDefault(8, 1, 50),
    DOCUS_RETRY_BASE_MS: intWithDefault(15_000, 100, 3_600_000),
    DOCUS_RETRY_MAX_MS: intWithDefault(600_000, 1_000, 86_400_000),
    DOCUS_TIMEOUT_MS: intWithDefault(30_000, 1_000, 600_000),
    /** Docus's published limits per team, shared by every instance (counted in PostgreSQL). */
    DOCUS_RATE_PER_MINUTE: intWithDefault(100, 1, 100_000),
    DOCUS_RATE_PER_HOUR: intWithDefault(1000, 1, 10_000_000),
    /** How often the send sweep looks for lab results that are due and have no job (seconds, a divisor of 60 or a multiple of 60). */
    SEND_SWEEP_SECONDS: intWithDefault(60, 1, 3600),
    /** The simulated Docus (npm run docus:simulator; started by npm start when DOCUS_API_URL is unset). */
    DOCUS_SIM_PORT: intWithDefault(4010, 1, 65535),
    DOCUS_SIM_DELIVERY_URL: optionalUrl,
    DOCUS_SIM_DELAY_MS: intWithDefault(2000, 0, 3_600_000),
    /**
     * Use the simulated Docus although DATABASE_URL is set. Without it, a deployment on
     * PostgreSQL refuses to start until DOCUS_API_URL names the real Docus.
     */
    DOCUS_SIMULATOR: flag,
    /**
     * How many reverse proxies in front of the portal append to X-Forwarded-For. 0 (the
     * default): the header is ignored and the socket's address is the client's.
     */
    TRUST_PROXY_HOPS: intWithDefault(0, 0, 10),
    /** A lab network that terminates TLS in front of the portal may serve plain HTTP in production. */
    ALLOW_INSECURE_HTTP: flag,
    /**
     * The owner role used by `npm run db:migrate` (DDL, triggers, grants). The portal
     * itself runs as DATABASE_URL's role, which needs no more than data access.
     */
    MIGRATION_DATABASE_URL: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, { error: "must be a postgres:// or postgresql:// URL" })
        .optional(),
    ),
    /** Level of the JSON log lines on stdout (pino's levels). */
    LOG_LEVEL: z.preprocess(
      (v) => (v === "" || v === undefined ? "info" : v),
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "must be one of fatal, error, warn, info, debug, trace, silent",
      }),
    ),
    /** Bearer token that opens /metrics (Prometheus). Unset: no metrics endpoint. */
    METRICS_TOKEN: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.string().min(16, { error: "must be at least 16 characters" }).optional(),
    ),
    /** Port of the metrics endpoint of `npm run worker` (0: none). */
    WORKER_METRICS_PORT: intWithDefault(0, 0, 65535),
    /** 0: this web instance runs no send worker (run `npm run worker` processes instead). */
    RUN_WORKER: z.preprocess(
      (v) => (v === "" || v === undefined ? "1" : v),
      z
        .enum(["0", "1", "true", "false"], { error: "must be 1, 0, true or false" })
        .transform((v) => v === "1" || v === "true"),
    ),
    /**
     * Next.js's key for server actions' closures and ids (AES-GCM, Base64 of 16, 24 or 32
     * bytes). Several instances must share it (and the build).
     */
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && [16, 24, 32].includes(Buffer.from(v, "base64").length), {
          error: "must be the Base64 of 16, 24 or 32 random bytes (try: openssl rand -base64 32)",
        })
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.DATABASE_URL && !env.NEXTAUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXTAUTH_SECRET"],
        message: "is required in production (try: openssl rand -base64 32)",
      });
    }
    if (env.NODE_ENV === "production" && env.DATABASE_URL && !env.TOTP_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["TOTP_ENCRYPTION_KEY"],
        message: "is required in production (try: openssl rand -base64 32)",
      });
    }
    if (env.NODE_ENV === "production" && env.DATABASE_URL && !env.ALLOW_INSECURE_HTTP) {
      // Session cookies are Secure only over https; credentials and PDFs travel in clear otherwise.
      for (const name of ["NEXTAUTH_URL", "DOCUS_API_URL"] as const) {
        const value = env[name];
        if (value && !isHttpsOrLoopback(value)) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message:
              "must be an https:// URL in production (set ALLOW_INSECURE_HTTP=1 only when TLS is terminated in front of the portal)",
          });
        }
      }
    }
  });

/** https, or a loopback address that never leaves the machine. */
function isHttpsOrLoopback(value: string): boolean {
  const url = new URL(value);
  return url.protocol === "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

export type RawEnv = z.infer<typeof envSchema>;

export type Env = RawEnv & {
  NEXTAUTH_URL: string;
  /** True when the portal runs on its embedded PGlite database (no DATABASE_URL). */
  embedded: boolean;
  /**
   * A real deployment: production build on an external database. Demo accounts can
   * never sign in here.
   */
  productionDeployment: boolean;
  /**
   * The simulated Docus is in use: on the embedded default without DOCUS_API_URL, or
   * when DOCUS_SIMULATOR=1 asks for it. Every page then says so.
   */
  docusSimulated: boolean;
};

export class EnvError extends Error {
  // A plain field: the launcher runs this file under Node's type stripping.
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "EnvError";
    this.issues = issues;
  }
}

/**
 * MAX_UPLOAD_MB alone, validated as parseEnv validates it (EnvError when it is bad): what
 * next.config.ts needs to size the server actions' body limit. The configuration is also
 * loaded by tools that do not run the portal (`next typegen`, the build), where the rest of
 * the environment (secrets a production start requires) need not be set.
 */
export function parseMaxUploadMb(source: Record<string, string | undefined>): number {
  const result = envSchema.shape.MAX_UPLOAD_MB.safeParse(source.MAX_UPLOAD_MB);
  if (!result.success) throw new EnvError(result.error.issues.map((issue) => `MAX_UPLOAD_MB ${issue.message}`));
  return result.data;
}

/** Parses an environment record; throws an EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): RawEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`));
  }
  return result.data;
}

/**
 * The embedded default keeps its generated secrets in the data folder (NEXTAUTH_SECRET,
 * TOTP_ENCRYPTION_KEY), so that sessions and enrolled second factors survive restarts
 * without anyone having to configure a secret.
 */
function embeddedSecret(
  dataDir: string,
  fileName: string,
  valid: (value: string) => boolean,
  encoding: "base64" | "base64url",
): string {
  const file = path.join(path.dirname(path.resolve(dataDir)), fileName);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (valid(existing)) return existing;
  } catch {
    // Missing: generated below.
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString(encoding);
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function resolveEnv(raw: RawEnv): Env {
  const embedded = !raw.DATABASE_URL;
  const secret =
    raw.NEXTAUTH_SECRET ??
    (embedded ? embeddedSecret(raw.PGLITE_DATA_DIR, "nextauth-secret", (v) => v.length >= 32, "base64url") : undefined);
  const totpKey =
    raw.TOTP_ENCRYPTION_KEY ??
    (embedded ? embeddedSecret(raw.PGLITE_DATA_DIR, "totp-encryption-key", isBase64Key32, "base64") : undefined);
  return {
    ...raw,
    NEXTAUTH_SECRET: secret,
    TOTP_ENCRYPTION_KEY: totpKey,
    NEXTAUTH_URL: raw.NEXTAUTH_URL ?? `http://localhost:${raw.PORT}`,
    embedded,
    productionDeployment: raw.NODE_ENV === "production" && !embedded,
    docusSimulated: raw.DOCUS_SIMULATOR || (embedded && !raw.DOCUS_API_URL),
  };
}

export type DocusLaunch = { kind: "real" } | { kind: "simulator" } | { kind: "refused"; message: string };

/**
 * What `npm start` does about Docus. With DOCUS_API_URL set: the real one (unless
 * DOCUS_SIMULATOR=1 points the portal at the simulator on purpose). Without it: the
 * simulator on the embedded default or when asked for, and otherwise a refusal, so that
 * a PostgreSQL deployment never "sends" real patients' results to a simulator.
 */
export function docusLaunch(env: Pick<Env, "DOCUS_API_URL" | "DOCUS_SIMULATOR" | "embedded">): DocusLaunch {
  if (env.DOCUS_API_URL) return { kind: "real" };
  if (env.embedded || env.DOCUS_SIMULATOR) return { kind: "simulator" };
  return {
    kind: "refused",
    message:
      "DOCUS_API_URL is not set. Set DOCUS_API_URL and the Docus credentials to reach Docus, or set DOCUS_SIMULATOR=1 to run the simulated Docus (never for real patients).",
  };
}

const cacheKey = Symbol.for("lab-portal.env");
type EnvCache = { [cacheKey]?: Env };

/** The validated configuration of this process (parsed once). */
export function getEnv(): Env {
  const cache = globalThis as EnvCache;
  if (!cache[cacheKey]) {
    cache[cacheKey] = resolveEnv(parseEnv(process.env));
  }
  return cache[cacheKey];
}

/**
 * The session-signing secret. Production refuses to start without one (see the schema);
 * elsewhere only what signs sessions needs it, so CLIs run without it.
 */
export function getAuthSecret(): string {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (!secret)
    throw new EnvError(["NEXTAUTH_SECRET is required when DATABASE_URL is set (try: openssl rand -base64 32)"]);
  return secret;
}

/**
 * The keys of the stored TOTP secrets: the current one (encrypts) and the previous ones
 * (still decrypt). Production refuses to start without a key (see the schema); elsewhere
 * only enrolment, sign-in and the rotation need it.
 */
export function getTotpKeys(): { current: string; previous: string[] } {
  const env = getEnv();
  if (!env.TOTP_ENCRYPTION_KEY)
    throw new EnvError(["TOTP_ENCRYPTION_KEY is required when DATABASE_URL is set (try: openssl rand -base64 32)"]);
  return { current: env.TOTP_ENCRYPTION_KEY, previous: env.TOTP_ENCRYPTION_KEYS_PREVIOUS };
}

/** Test helper: forget the cached configuration. */
export function resetEnvCache(): void {
  delete (globalThis as EnvCache)[cacheKey];
}
