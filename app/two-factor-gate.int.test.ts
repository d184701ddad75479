import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLab } from "@/db/queries/labs";
import { createUser, recordSignIn } from "@/db/queries/users";
import { auditEvents, labs, users, type UserRole } from "@/db/schema";
import { ENROL_PATH } from "@/lib/account/gate";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { resetEnvCache } from "@/lib/env";

/**
 * The two-factor gate, proved on every server action and route handler the app has:
 * both are found on the file system (a new one is in this test without anyone adding it),
 * then each is called with the session of a user who must use two-factor sign-in but has
 * not enrolled yet (a password-only session). Each must refuse: an action sends to the
 * enrolment page without running, a route handler answers 403 "two_factor_required".
 * Only the session (next-auth's getServerSession), the request's cookies and headers and
 * the database connection are replaced.
 */

const state = vi.hoisted(() => {
  process.env.NEXTAUTH_SECRET ??= "gate-test-secret-gate-test-secret-0123";
  process.env.NEXTAUTH_URL ??= "http://localhost:3000";
  return {
    db: null as unknown,
    session: null as null | {
      user: { id: string; email: string; name: string };
      authTime: number;
      sessionVersion: number;
      sessionId: string;
      expires: string;
    },
  };
});

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => state.session,
}));
vi.mock("next/headers", () => {
  const jar = new Map<string, string>();
  const store = {
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  };
  return { cookies: async () => store, headers: async () => new Headers({ "x-forwarded-for": "127.0.0.1" }) };
});
vi.mock("@/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db")>()),
  getDb: async () => state.db,
}));
vi.mock("next/cache", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/cache")>()),
  revalidatePath: () => {},
  revalidateTag: () => {},
}));

const APP = path.resolve(import.meta.dirname);
const rel = (file: string) => path.relative(path.dirname(APP), file).split(path.sep).join("/");

/** Server actions that a pending-enrolment session may call, each with the reason. */
const ACTIONS_OPEN_TO_PENDING: Record<string, string> = {
  "app/(account)/account/actions.ts":
    "the account actions: enrolling a second factor (and changing one's password) is what such a user must be able to do",
  "app/(auth)/set-password/actions.ts": "public by link: setting a first password needs no session at all",
};

/** Route handlers that do not go through the session gate, each with the reason. */
const ROUTES_WITHOUT_GATE: Record<string, string> = {
  "app/api/auth/[...nextauth]/route.ts": "next-auth itself: sign-in, its second step, sign-out",
  "app/api/docus/reports/route.ts": "Docus deliveries authenticate by their signature, not by a session",
  "app/api/health/route.ts": "the health check is public and carries no data",
  "app/s/[token]/pin/route.ts":
    "a share link's PIN: public by link (outside physicians and patients have no account); the link's token and PIN are the authority, rate-limited and audited",
  "app/s/[token]/document/route.ts":
    "a share link's PDF: public by link; served only with the viewer cookie a right PIN made for that link, audited",
  "app/api/health/live/route.ts": "liveness for the orchestrator: public, touches nothing, carries no data",
  "app/api/health/ready/route.ts":
    "readiness for the load balancer: public, names only the part that is not ready, carries no data",
};

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return /\.(ts|tsx|js|jsx|mjs)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const sources = walk(APP);
const USE_SERVER = /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*["']use server["']/;
const actionFiles = sources.filter((file) => USE_SERVER.test(readFileSync(file, "utf8")));
const inlineActionFiles = sources.filter(
  (file) => !actionFiles.includes(file) && /["']use server["']/.test(readFileSync(file, "utf8")),
);
const routeFiles = sources.filter((file) => /^route\.(ts|tsx|js|mjs)$/.test(path.basename(file)));

let t: TestDb;
const ids = { labA: "", labStrict: "", pendingAdmin: "", pendingTechnician: "", enrolledDoctor: "" };

async function signInAs(userId: string) {
  const [user] = await t.db.select().from(users).where(eq(users.id, userId));
  state.session = {
    user: { id: user!.id, email: user!.email, name: user!.name },
    authTime: Math.floor(Date.now() / 1000),
    sessionVersion: user!.sessionVersion,
    sessionId: await recordSignIn(t.db, user!.id),
    expires: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

async function auditCount(): Promise<number> {
  const [row] = await t.db.select({ n: count() }).from(auditEvents);
  return row!.n;
}

function junkForm(): FormData {
  const form = new FormData();
  form.set("labId", randomUUID());
  form.set("userId", randomUUID());
  form.set("id", randomUUID());
  return form;
}

/** Calls an action as a form would: (state, formData), (formData) or (id); nothing it reads matters before the gate. */
function callAction(action: (...args: unknown[]) => Promise<unknown>): Promise<unknown> {
  if (action.length >= 2) return action({ status: "idle" }, junkForm());
  if (action.length === 1) return action(junkForm());
  return action();
}

function redirectTarget(error: unknown): string | null {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== "string" || !digest.startsWith("NEXT_REDIRECT")) return null;
  return digest.split(";")[2] ?? null;
}

beforeAll(async () => {
  // Enrolment stores the secret encrypted; on PostgreSQL the key must be configured.
  process.env.TOTP_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  resetEnvCache();
  t = await createTestDb();
  state.db = t.db;
  ids.labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  ids.labStrict = (await createLab(t.db, { name: "Strict Lab", partnerLabId: "lab-strict" })).id;
  await t.db.update(labs).set({ requireTwoFactor: true }).where(eq(labs.id, ids.labStrict));
  const make = async (email: string, role: UserRole, labIds: string[]) =>
    (await createUser(t.db, { email, name: email.split("@")[0]!, passwordHash: "x", role, labIds })).id;
  // A new admin (admins always use two-factor sign-in), not enrolled yet.
  ids.pendingAdmin = await make("new-admin@lab.test", "admin", [ids.labA]);
  // A technician of a lab that requires two-factor sign-in, not enrolled yet.
  ids.pendingTechnician = await make("tech@strict.test", "technician", [ids.labStrict]);
  // A doctor of a lab without the requirement: nothing to enrol.
  ids.enrolledDoctor = await make("doctor@lab.test", "doctor", [ids.labA]);
});

afterAll(async () => {
  await t?.close();
});

describe("the two-factor gate finds every action and route handler", () => {
  it("finds the app's server actions and route handlers on the file system", () => {
    expect(actionFiles.map(rel)).toEqual(expect.arrayContaining(Object.keys(ACTIONS_OPEN_TO_PENDING)));
    expect(actionFiles.length).toBeGreaterThanOrEqual(8);
    expect(routeFiles.map(rel)).toEqual(expect.arrayContaining(Object.keys(ROUTES_WITHOUT_GATE)));
    expect(routeFiles.length).toBeGreaterThanOrEqual(10);
  });

  it("has no inline server actions (in a component or page) that this test could not call", () => {
    expect(inlineActionFiles.map(rel)).toEqual([]);
  });

  it("lets the control user (nothing to enrol) through, so that a refusal below is the gate's", async () => {
    await signInAs(ids.enrolledDoctor);
    const { GET } = (await import("./api/me/route")) as { GET: () => Promise<Response> };
    const response = await GET();
    expect(response.status).toBe(200);
  });
});

describe.each([
  ["a new admin who has not enrolled", "pendingAdmin"],
  ["a technician of a lab that requires two-factor sign-in, not enrolled", "pendingTechnician"],
] as const)("a password-only session of %s", (_label, who) => {
  for (const file of actionFiles) {
    const name = rel(file);
    if (ACTIONS_OPEN_TO_PENDING[name]) continue;
    it(`every server action of ${name} refuses it (sent to enrol, nothing done)`, async () => {
      const actions = Object.entries(await import(/* @vite-ignore */ file)).filter(
        (entry): entry is [string, (...args: unknown[]) => Promise<unknown>] => typeof entry[1] === "function",
      );
      expect(actions.length).toBeGreaterThan(0);
      for (const [exportName, action] of actions) {
        await signInAs(ids[who]);
        const before = await auditCount();
        const outcome = await callAction(action).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        expect("error" in outcome ? redirectTarget(outcome.error) : outcome, `${name} ${exportName}`).toBe(ENROL_PATH);
        expect(await auditCount(), `${name} ${exportName} left no trace`).toBe(before);
      }
    });
  }

  for (const file of routeFiles) {
    const name = rel(file);
    if (ROUTES_WITHOUT_GATE[name]) continue;
    it(`every handler of ${name} answers it 403 two_factor_required`, async () => {
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      const handlers = HTTP_METHODS.filter((method) => typeof mod[method] === "function");
      expect(handlers.length).toBeGreaterThan(0);
      for (const method of handlers) {
        await signInAs(ids[who]);
        const handler = mod[method] as (request: NextRequest, context: unknown) => Promise<Response>;
        const url = "http://localhost:3000/x?from=2020-01-01&to=2030-01-01&q=smith&ids=" + randomUUID();
        const request = new NextRequest(url, {
          method,
          ...(method === "GET" || method === "HEAD" ? {} : { body: "{}" }),
        });
        const response = await handler(request, { params: Promise.resolve({ id: randomUUID() }) });
        expect(response.status, `${name} ${method}`).toBe(403);
        const body = (await response.json()) as { error?: { code?: string; message?: string } };
        expect(body.error?.code, `${name} ${method}`).toBe("two_factor_required");
        expect(body.error?.message).toMatch(/two-factor/i);
      }
    });
  }
});

describe("the account actions stay open to such a session", () => {
  it("lets a pending admin begin enrolment", async () => {
    await signInAs(ids.pendingAdmin);
    const { beginEnrolmentAction } = await import("./(account)/account/actions");
    const result = await beginEnrolmentAction({ status: "idle" }, new FormData());
    expect(result.status).toBe("success");
    expect(result.secret).toBeTruthy();
  });
});
