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
const flag = z.preprocess(
  (v) => (v === "" || v === undefined ? "0" : v),
  z.enum(["0", "1", "true", "false"], { error: "must be 1, 0, true or false" }).transform((v) => v === "1" || v === "true"),
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
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.DATABASE_URL && !env.NEXTAUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXTAUTH_SECRET"],
        message: "is required in production (try: openssl rand -base64 32)",
      });
    }
  });

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
};

export class EnvError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parses an environment record; throws an EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): RawEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`),
    );
  }
  return result.data;
}

/**
 * The embedded default keeps a generated NEXTAUTH_SECRET in the data folder, so that
 * sessions survive restarts without anyone having to configure a secret.
 */
function embeddedSecret(dataDir: string): string {
  const file = path.join(path.dirname(path.resolve(dataDir)), "nextauth-secret");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // Missing: generated below.
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function resolveEnv(raw: RawEnv): Env {
  const embedded = !raw.DATABASE_URL;
  const secret = raw.NEXTAUTH_SECRET ?? (embedded ? embeddedSecret(raw.PGLITE_DATA_DIR) : undefined);
  return {
    ...raw,
    NEXTAUTH_SECRET: secret,
    NEXTAUTH_URL: raw.NEXTAUTH_URL ?? `http://localhost:${raw.PORT}`,
    embedded,
    productionDeployment: raw.NODE_ENV === "production" && !embedded,
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
  if (!secret) throw new EnvError(["NEXTAUTH_SECRET is required when DATABASE_URL is set (try: openssl rand -base64 32)"]);
  return secret;
}

/** Test helper: forget the cached configuration. */
export function resetEnvCache(): void {
  delete (globalThis as EnvCache)[cacheKey];
}
