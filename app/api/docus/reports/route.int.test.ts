import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb, getDbKind } from "@/db";
import { migrateDb } from "@/db/migrate";
import { deliveries, interpretationReports } from "@/db/schema";
import { signWebhook } from "@/lib/docus";
import { parseEnv, resetEnvCache } from "@/lib/env";
import { REPORT_TEXT_CHECK_QUEUE, createBoss, getBoss, stopBoss } from "@/lib/jobs/boss";
import { startReportTextCheckWorker } from "@/lib/reports/text-check";
import { withDatabase } from "@/lib/testing/test-db";
import { GET, POST } from "./route";

/**
 * The delivery route handler itself, on a fresh database: any body gets a 2xx or a 4xx,
 * never a 5xx, and a 4xx stores nothing but its deliveries-log row.
 */

const SHARED = "route-test-shared-secret-0123";
const WEBHOOK = "whsec_cm91dGUtdGVzdC13ZWJob29rLXNlY3JldA==";
const baseUrl = parseEnv(process.env).DATABASE_URL;
const saved = { ...process.env };
let cleanup: () => Promise<void> = async () => {};
let pdfBase64 = "";
let counter = 0;

function signed(raw: string | Uint8Array, options: { contentType?: string; webhookId?: string } = {}): Request {
  const id = options.webhookId ?? `msg_route_${++counter}`;
  const ts = Math.floor(Date.now() / 1000);
  return new Request("http://localhost/api/docus/reports", {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "application/json",
      "x-api-key": SHARED,
      "webhook-id": id,
      "webhook-timestamp": String(ts),
      "webhook-signature": signWebhook(WEBHOOK, id, ts, raw),
    },
    body: typeof raw === "string" ? raw : new Uint8Array(raw),
  });
}

async function counts() {
  const db = await getDb();
  return { reports: await db.$count(interpretationReports), deliveries: await db.$count(deliveries) };
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "route-test-"));
  Object.assign(process.env, {
    DOCUS_DELIVERY_SECRET: SHARED,
    DOCUS_WEBHOOK_SECRET: WEBHOOK,
    DOCUS_DELIVERY_HEADER: "x-api-key",
    MAX_DELIVERY_MB: "1",
    NEXTAUTH_SECRET: "route-test-secret-route-test-secret-0123",
  });
  if (baseUrl) {
    const { default: postgres } = await import("postgres");
    const name = `test_route_${process.pid}_${Date.now()}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    process.env.DATABASE_URL = withDatabase(baseUrl, name);
    cleanup = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    process.env.DATABASE_URL = "";
    process.env.PGLITE_DATA_DIR = path.join(dir, "pglite");
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  resetEnvCache();
  await migrateDb(await getDb(), await getDbKind());
  const doc = await PDFDocument.create();
  doc.addPage();
  pdfBase64 = Buffer.from(await doc.save()).toString("base64");
}, 60_000);

afterAll(async () => {
  await stopBoss(2_000);
  await closeDb();
  await cleanup();
  process.env = saved;
  resetEnvCache();
});

describe("POST /api/docus/reports", () => {
  it("stores a valid delivery once and answers 200 again for the repeat", async () => {
    const raw = JSON.stringify({ patient_id: "P1", reference_id: "R1", file_base64: { content: pdfBase64 } });
    const before = await counts();
    // A re-delivery carries the same webhook-id.
    const first = await POST(signed(raw, { webhookId: "msg_same" }));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: "success", duplicate: false });
    const again = await POST(signed(raw, { webhookId: "msg_same" }));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "success", duplicate: true });
    const after = await counts();
    expect(after.reports - before.reports).toBe(1);
    expect(after.deliveries - before.deliveries).toBe(2);
  });

  it("with a shared secret only (webhook-id unsigned), a different report reusing a webhook-id is stored, not dropped as a duplicate", async () => {
    const other = await PDFDocument.create();
    other.addPage();
    other.addPage();
    const otherBase64 = Buffer.from(await other.save()).toString("base64");
    const unsigned = (raw: string) =>
      new Request("http://localhost/api/docus/reports", {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": SHARED, "webhook-id": "msg_reused" },
        body: raw,
      });
    delete process.env.DOCUS_WEBHOOK_SECRET;
    resetEnvCache();
    try {
      const before = await counts();
      const first = await POST(
        unsigned(
          JSON.stringify({ patient_id: "P-reuse", reference_id: "R-reuse-1", file_base64: { content: pdfBase64 } }),
        ),
      );
      const second = await POST(
        unsigned(
          JSON.stringify({ patient_id: "P-reuse", reference_id: "R-reuse-2", file_base64: { content: otherBase64 } }),
        ),
      );
      expect(await first.json()).toMatchObject({ status: "success", duplicate: false });
      expect(await second.json()).toMatchObject({ status: "success", duplicate: false });
      // The very same report again (a retry) is still recognised.
      const retry = await POST(
        unsigned(
          JSON.stringify({ patient_id: "P-reuse", reference_id: "R-reuse-1", file_base64: { content: pdfBase64 } }),
        ),
      );
      expect(await retry.json()).toMatchObject({ status: "success", duplicate: true });
      expect((await counts()).reports - before.reports).toBe(2);
    } finally {
      process.env.DOCUS_WEBHOOK_SECRET = WEBHOOK;
      resetEnvCache();
    }
  });

  it("answers 503 with Retry-After while the database is down; the re-delivery after recovery is stored once", async () => {
    const raw = JSON.stringify({ patient_id: "P-down", reference_id: "R-down", file_base64: { content: pdfBase64 } });
    const working = { DATABASE_URL: process.env.DATABASE_URL, PGLITE_DATA_DIR: process.env.PGLITE_DATA_DIR };
    await closeDb();
    process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/unreachable";
    resetEnvCache();
    const down = await POST(signed(raw, { webhookId: "msg_down" }));
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("30");
    await closeDb();
    Object.assign(process.env, working);
    resetEnvCache();
    const before = await counts();
    const recovered = await POST(signed(raw, { webhookId: "msg_down" }));
    expect(recovered.status).toBe(200);
    const again = await POST(signed(raw, { webhookId: "msg_down" }));
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect((await counts()).reports - before.reports).toBe(1);
  });

  it("answers GET with 405 and Allow: POST", async () => {
    const response = GET();
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("never answers 5xx, and a 4xx stores nothing but its log row (property)", async () => {
    const known = fc.record(
      {
        patient_id: fc.oneof(fc.string(), fc.constant("P-prop"), fc.integer(), fc.constant(null)),
        reference_id: fc.oneof(fc.string(), fc.constant(null), fc.boolean()),
        accession_number: fc.oneof(fc.string(), fc.constant("R-prop")),
        partner_lab_id: fc.oneof(fc.string(), fc.constant(null)),
        file_base64: fc.oneof(
          fc.record(
            {
              content: fc.oneof(fc.string(), fc.base64String(), fc.constant(pdfBase64)),
              mime_type: fc.oneof(fc.constant("application/pdf"), fc.string()),
            },
            { requiredKeys: [] },
          ),
          fc.string(),
          fc.constant(null),
        ),
        report_base64: fc.oneof(fc.string(), fc.base64String(), fc.constant(pdfBase64)),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const bodies = fc.oneof(
      known.map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
      fc.uint8Array({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (raw) => {
        const before = await counts();
        const response = await POST(signed(raw));
        const after = await counts();
        expect(response.status).toBeLessThan(500);
        expect(after.deliveries - before.deliveries).toBe(1);
        if (response.status >= 400) expect(after.reports).toBe(before.reports);
        else expect(response.status).toBe(200);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

async function textPdfBase64(...lines: string[]): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  lines.forEach((line, i) => page.drawText(line, { font, x: 50, y: 750 - i * 20, size: 12 }));
  return Buffer.from(await doc.save()).toString("base64");
}

async function reportOf(referenceId: string) {
  const db = await getDb();
  const [row] = await db.select().from(interpretationReports).where(eq(interpretationReports.referenceId, referenceId));
  return row!;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the text check of a delivered report (a job, after the 200)", () => {
  it("answers 200 with the check pending and its job stored; once the job runs, a report naming another patient is held", async () => {
    const content = await textPdfBase64("Interpretation", "Patient ID: Q-77001");
    const raw = JSON.stringify({ patient_id: "P-ASYNC-1", reference_id: "R-ASYNC-1", file_base64: { content } });
    const response = await POST(signed(raw));
    expect(response.status).toBe(200);
    const stored = await reportOf("R-ASYNC-1");
    // No worker runs in this process yet: the 200 did not wait for the check.
    expect(stored.textCheck).toBeNull();
    const boss = await getBoss();
    const jobs = await boss.findJobs<{ reportId: string }>(REPORT_TEXT_CHECK_QUEUE, { queued: true });
    expect(jobs.filter((job) => job.data.reportId === stored.id)).toHaveLength(1);
    // The job payload is the report's id only.
    expect(Object.keys(jobs.find((job) => job.data.reportId === stored.id)!.data)).toEqual(["reportId"]);

    await startReportTextCheckWorker(boss);
    const checked = await eventually(
      () => reportOf("R-ASYNC-1"),
      (row) => row.textCheck !== null,
    );
    expect(checked).toMatchObject({ textCheck: "other_patient", textCheckOtherPatientId: "Q-77001" });
    expect(checked.textCheckReason).toContain("attached to patient id P-ASYNC-1");
    await boss.offWork(REPORT_TEXT_CHECK_QUEUE);
  }, 60_000);

  it("a process that dies between the commit and the check leaves the job, and another worker checks the report", async () => {
    // The first process: the worker is not running, the report and its job are stored, then it stops.
    await getBoss().then((boss) => boss.offWork(REPORT_TEXT_CHECK_QUEUE));
    const content = await textPdfBase64("Interpretation", "Patient ID: Q-77002");
    const raw = JSON.stringify({ patient_id: "P-ASYNC-2", reference_id: "R-ASYNC-2", file_base64: { content } });
    expect((await POST(signed(raw))).status).toBe(200);
    const ownText = await textPdfBase64("Interpretation", "Patient ID: P-ASYNC-3");
    const own = JSON.stringify({
      patient_id: "P-ASYNC-3",
      reference_id: "R-ASYNC-3",
      file_base64: { content: ownText },
    });
    expect((await POST(signed(own))).status).toBe(200);
    await stopBoss(100);
    expect((await reportOf("R-ASYNC-2")).textCheck).toBeNull();

    // Another process: its own pg-boss on the same database, and a worker.
    const pglite = (await import("@/db")).getPgliteClient;
    const client = await pglite();
    const other = await createBoss(client ? { pglite: client } : { connectionString: process.env.DATABASE_URL! });
    try {
      await startReportTextCheckWorker(other);
      const held = await eventually(
        () => reportOf("R-ASYNC-2"),
        (row) => row.textCheck !== null,
      );
      expect(held).toMatchObject({ textCheck: "other_patient", textCheckOtherPatientId: "Q-77002" });
      const fine = await eventually(
        () => reportOf("R-ASYNC-3"),
        (row) => row.textCheck !== null,
      );
      expect(fine).toMatchObject({ textCheck: "ok", textCheckOtherPatientId: null });
    } finally {
      await other.stop({ graceful: false });
    }
  }, 60_000);
});
