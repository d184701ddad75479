import { count, eq } from "drizzle-orm";
import { generate } from "otplib";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLab } from "@/db/queries/labs";
import { createUser, findUserByEmail } from "@/db/queries/users";
import {
  auditEvents,
  documents,
  interpretationReports,
  labResults,
  reportInboxEntries,
  labs,
  patients,
  submissionAttempts,
  users,
} from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

/**
 * The embedded default's demo seeding (lib/demo/seed.ts, lib/demo/data.ts) against a real
 * database: every state is there once seeded, a second run adds nothing, and a database
 * that is not the demo's gets no demo data. Sign-in runs next-auth's own `authorize`, with
 * only the database replaced.
 */
const holder = vi.hoisted(() => ({ db: null as unknown }));
vi.mock("@/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db")>()),
  getDb: async () => holder.db,
}));

const { DEMO_TOTP_SECRET, demoAccounts, demoCredentialsText } = await import("@/lib/account/demo");
const { seedDemo } = await import("./seed");
const { demoLabResults } = await import("./data");
const { checkSecondStep } = await import("@/lib/account/two-factor");
const { authOptions } = await import("@/lib/account/auth-options");

type Authorize = (credentials: Record<string, string>, req: unknown) => Promise<{ id: string } | null>;
function authorize(credentials: Record<string, string>): Promise<{ id: string } | null> {
  const provider = authOptions().providers[0] as unknown as { options: { authorize: Authorize } };
  return provider.options.authorize(credentials, { headers: { "user-agent": "vitest" } });
}

const TOTP_KEY = Buffer.alloc(32, 9).toString("base64");
let t: TestDb;

async function tableCounts(): Promise<Record<string, number>> {
  const tables = {
    auditEvents,
    documents,
    interpretationReports,
    labResults,
    labs,
    patients,
    submissionAttempts,
    users,
  };
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    const [row] = await t.db.select({ n: count() }).from(table);
    out[name] = Number(row!.n);
  }
  return out;
}

beforeAll(async () => {
  process.env.TOTP_ENCRYPTION_KEY = TOTP_KEY;
  resetEnvCache();
  t = await createTestDb();
  holder.db = t.db;
});

afterAll(async () => {
  await t?.close();
  delete process.env.TOTP_ENCRYPTION_KEY;
  resetEnvCache();
});

describe("seedDemo", () => {
  let first: Awaited<ReturnType<typeof seedDemo>>;
  beforeAll(async () => {
    first = await seedDemo(t.db);
  });

  it("seeds the accounts and a dozen patients with lab results in every state", async () => {
    expect(first).toEqual({ accounts: true, labResults: demoLabResults.length });
    const rows = await t.db
      .select({ status: labResults.status, accession: labResults.accessionNumber })
      .from(labResults);
    const statuses = new Set(rows.map((r) => r.status));
    for (const status of ["queued", "needs_confirmation", "accepted", "report_ready", "failed", "rejected"] as const)
      expect(statuses, status).toContain(status);
    const [patientCount] = await t.db.select({ n: count() }).from(patients);
    expect(Number(patientCount!.n)).toBeGreaterThanOrEqual(12);
  });

  it("flags results as the lab would, and puts the Demo Reference Lab's reports in the demo doctor's inbox", async () => {
    const rows = await t.db.select({ flag: labResults.flag }).from(labResults);
    const flags = new Set(rows.map((r) => r.flag));
    expect(flags).toEqual(new Set(demoLabResults.map((r) => r.flag)));
    expect(flags.has("critical")).toBe(true);
    const doctor = await findUserByEmail(t.db, "doctor@demo.lab");
    const owned = await t.db
      .select({ n: count() })
      .from(reportInboxEntries)
      .where(eq(reportInboxEntries.ownerId, doctor!.id));
    expect(Number(owned[0]!.n)).toBeGreaterThan(0);
  });

  it("holds the wrong-patient upload with the guard's reason and its audit event", async () => {
    const [held] = await t.db.select().from(labResults).where(eq(labResults.status, "needs_confirmation"));
    expect(held!.guardOutcome).toBe("needs_confirmation");
    expect(held!.guardReason).toContain("DEMO-1010");
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.labResultId, held!.id));
    expect(events.map((e) => e.action).sort()).toEqual(["lab_result.guard_hold", "lab_result.upload"]);
  });

  it("records the sends as the worker does: failed after three attempts, rejected with Docus's answer", async () => {
    const [failed] = await t.db.select().from(labResults).where(eq(labResults.status, "failed"));
    expect(failed!.attempts).toBe(3);
    const attempts = await t.db.select().from(submissionAttempts).where(eq(submissionAttempts.labResultId, failed!.id));
    expect(attempts).toHaveLength(3);
    expect(attempts.every((a) => a.finishedAt !== null)).toBe(true);
    const [rejected] = await t.db.select().from(labResults).where(eq(labResults.status, "rejected"));
    expect(rejected!.lastError).toContain("Docus refused");
  });

  it("delivers an amended report in two versions and real PDFs naming their patient", async () => {
    const [amended] = await t.db.select().from(labResults).where(eq(labResults.accessionNumber, "DEMO-ACC-1004"));
    expect(amended!.status).toBe("report_ready");
    const versions = await t.db
      .select({
        version: interpretationReports.version,
        supersedes: interpretationReports.supersedesId,
        doc: documents,
      })
      .from(interpretationReports)
      .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
      .where(eq(interpretationReports.labResultId, amended!.id))
      .orderBy(interpretationReports.version);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[1]!.supersedes).not.toBeNull();
    for (const v of versions) {
      const pdf = await PDFDocument.load(v.doc.bytes);
      expect(pdf.getPageCount()).toBe(1);
      expect(pdf.getTitle()).toContain(`DEMO-ACC-1004 v${v.version}`);
    }
    const [upload] = await t.db.select().from(documents).where(eq(documents.id, amended!.documentId));
    expect((await PDFDocument.load(upload!.bytes)).getTitle()).toContain("Moreau");
  });

  it("enrols the demo admin with the printed authenticator secret: a code from it passes the second step", async () => {
    const admin = await findUserByEmail(t.db, "admin@demo.lab");
    expect(admin!.totpEnabledAt).not.toBeNull();
    expect(admin!.totpSecret).not.toContain(DEMO_TOTP_SECRET); // stored encrypted
    expect(await checkSecondStep(t.db, admin!, "000000")).toBe("two_factor_invalid");
    expect(await checkSecondStep(t.db, admin!, await generate({ secret: DEMO_TOTP_SECRET }))).toBe("ok");
    const text = demoCredentialsText({ withTotp: true });
    expect(text).toContain(DEMO_TOTP_SECRET);
    expect(text).toContain("otpauth://totp/");
    expect(demoCredentialsText()).not.toContain(DEMO_TOTP_SECRET);
  });

  it("adds nothing when run again", async () => {
    const before = await tableCounts();
    expect(await seedDemo(t.db)).toEqual({ accounts: false, labResults: 0 });
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses the demo accounts in a production deployment, and signs them in elsewhere", async () => {
    const doctor = demoAccounts.find((a) => a.role === "doctor")!;
    const credentials = { email: doctor.email, password: doctor.password };
    // A production deployment: NODE_ENV=production with a DATABASE_URL (the database itself is mocked).
    const unused = "postgres://unused@127.0.0.1:1/unused";
    process.env.NEXTAUTH_SECRET = "demo-test-secret-demo-test-secret-0123";
    const hadUrl = Boolean(process.env.DATABASE_URL);
    if (!hadUrl) process.env.DATABASE_URL = unused;
    Object.assign(process.env, { NODE_ENV: "production" });
    resetEnvCache();
    try {
      expect(await authorize(credentials)).toBeNull();
      const denied = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "auth.sign_in"));
      expect(denied.map((e) => [e.outcome, (e.details as { reason?: string } | null)?.reason])).toContainEqual([
        "denied",
        "demo_account_in_production",
      ]);
    } finally {
      Object.assign(process.env, { NODE_ENV: "test" });
      if (!hadUrl) delete process.env.DATABASE_URL;
      resetEnvCache();
    }
    expect(await authorize(credentials)).toMatchObject({ id: expect.any(String) });
    delete process.env.NEXTAUTH_SECRET;
    resetEnvCache();
  });
});

describe("seedDemo on a database that is not the demo's", () => {
  it("adds no accounts and no demo data where people already work", async () => {
    const other = await createTestDb();
    try {
      const lab = await createLab(other.db, { name: "Real Lab", partnerLabId: "real-lab" });
      await createUser(other.db, {
        email: "admin@real.test",
        name: "Real",
        passwordHash: "x",
        role: "admin",
        labIds: [lab.id],
      });
      expect(await seedDemo(other.db)).toEqual({ accounts: false, labResults: 0 });
      const [n] = await other.db.select({ n: count() }).from(labResults);
      expect(Number(n!.n)).toBe(0);
    } finally {
      await other.close();
    }
  });
});
