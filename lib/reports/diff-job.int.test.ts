import { and, eq, sql } from "drizzle-orm";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getReportDiffForUser } from "@/db/queries/report-diffs";
import { storeDeliveredReport } from "@/db/queries/system/deliveries";
import { createUser } from "@/db/queries/users";
import { reportDiffs, reportSignOffs, reportTexts } from "@/db/schema";
import { seedTwoLabs, type TwoLabs } from "@/db/testing/deliveries";
import { sha256Hex } from "@/lib/crypto";
import { REPORT_DIFF_QUEUE, createBoss } from "@/lib/jobs/boss";
import { checkDeliveredReport } from "@/lib/reports/text-check";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { queueDiffForNewVersion, requestDiff, runDiffJob } from "./diff-job";

/** Comparing report versions, against a real database and a real pg-boss. */

let t: TestDb;
let boss: PgBoss;
let seed: TwoLabs;
let scopeA: { userId: string; role: "doctor"; labIds: string[]; labId: string };
let scopeB: { userId: string; role: "doctor"; labIds: string[]; labId: string };

async function textPdf(lines: string[], x = 50): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  lines.forEach((line, i) => page.drawText(line, { font, x, y: 750 - i * 20, size: 12 }));
  return doc.save();
}

let n = 0;
/** A delivery of a version of lab A's ACC-100 report, stored as the delivery route stores it (the diff queued in its transaction). */
async function deliver(pdf: Uint8Array, { check = true } = {}): Promise<string> {
  n++;
  const stored = await storeDeliveredReport(
    t.db,
    {
      patientId: "P-100",
      referenceId: "ACC-100",
      partnerLabId: "lab-a",
      fileName: `report-${n}.pdf`,
      pdf,
      sha256: sha256Hex(pdf),
      metadata: {},
    },
    { webhookId: null, remoteIp: "127.0.0.1", bodyBytes: pdf.byteLength, idempotencyKey: () => `diff-test-${n}` },
    async (tx, s) => {
      if (s.matched) await queueDiffForNewVersion(tx, s.reportId, boss);
    },
  );
  // The delivery route's text check, which keeps the text it reads.
  if (check) await checkDeliveredReport(t.db, stored.reportId);
  return stored.reportId;
}

async function diffRowsTo(reportId: string) {
  return t.db.select().from(reportDiffs).where(eq(reportDiffs.toReportId, reportId));
}

async function jobsFor(diffId: string): Promise<number> {
  const rows = await t.db.execute<{ n: number }>(
    sql`select count(*)::int as n from pgboss.job where name = ${REPORT_DIFF_QUEUE} and data->>'diffId' = ${diffId}`,
  );
  const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: Array<{ n: number }> }).rows;
  return Number(list[0]?.n ?? 0);
}

const deps = () => ({ db: t.db, boss });
const ids: { v1: string; v2: string; v3: string } = { v1: "", v2: "", v3: "" };

beforeAll(async () => {
  t = await createTestDb();
  boss = await createBoss(t.bossTarget);
  seed = await seedTwoLabs(t.db);
  const doctor = async (email: string, labId: string) =>
    (await createUser(t.db, { email, name: email, passwordHash: "x", role: "doctor", labIds: [labId] })).id;
  scopeA = { userId: await doctor("doc@a.test", seed.labA), role: "doctor", labIds: [seed.labA], labId: seed.labA };
  scopeB = { userId: await doctor("doc@b.test", seed.labB), role: "doctor", labIds: [seed.labB], labId: seed.labB };
}, 120_000);

afterAll(async () => {
  await boss?.stop({ graceful: false });
  await t?.close();
});

describe("the diff of an amended report", () => {
  it("records nothing for a first version", async () => {
    ids.v1 = await deliver(await textPdf(["Interpretation ACC-100", "Potassium 4.1 mmol/L within range."]));
    expect(await diffRowsTo(ids.v1)).toHaveLength(0);
    const [kept] = await t.db.select().from(reportTexts).where(eq(reportTexts.reportId, ids.v1));
    expect(kept).toMatchObject({ kind: "text", truncated: false });
    expect(kept!.text).toContain("Potassium 4.1");
  });

  it("is pending with one job when version 2 is stored, and computed once, from the texts the check kept", async () => {
    ids.v2 = await deliver(await textPdf(["Interpretation ACC-100", "Potassium 5.9 mmol/L above range."]));
    const [pending] = await diffRowsTo(ids.v2);
    expect(pending).toMatchObject({ fromReportId: ids.v1, state: "pending", labId: seed.labA });
    expect(await jobsFor(pending!.id)).toBe(1);
    const before = await getReportDiffForUser(t.db, scopeA, ids.v2);
    expect(before).toMatchObject({ state: "pending", fromVersion: 1, toVersion: 2 });

    expect(await runDiffJob(pending!.id, deps())).toBe("done");
    const [ready] = await diffRowsTo(ids.v2);
    expect(ready).toMatchObject({ state: "ready", changed: true, wordsAdded: 2, wordsRemoved: 2, partial: false });
    const view = await getReportDiffForUser(t.db, scopeA, ids.v2);
    expect(view?.parts.filter((p) => p.op === "removed").map((p) => ("text" in p ? p.text.trim() : ""))).toEqual([
      "4.1",
      "within",
    ]);
    expect(view?.parts.filter((p) => p.op === "added").map((p) => ("text" in p ? p.text.trim() : ""))).toEqual([
      "5.9",
      "above",
    ]);

    // A second run (a retried job) changes nothing.
    expect(await runDiffJob(pending!.id, deps())).toBe("skipped");
    const [again] = await diffRowsTo(ids.v2);
    expect(again!.computedAt).toEqual(ready!.computedAt);
    expect(await diffRowsTo(ids.v2)).toHaveLength(1);
  });

  it("uses the kept text rather than reading the PDF again", async () => {
    // What the check kept for version 2 is what the next comparison reads.
    await t.db.update(reportTexts).set({ text: "Kept text of version two" }).where(eq(reportTexts.reportId, ids.v2));
    ids.v3 = await deliver(await textPdf(["Kept text of version two"], 200));
    const [pending] = await diffRowsTo(ids.v3);
    await runDiffJob(pending!.id, deps());
    const [done] = await diffRowsTo(ids.v3);
    // Same words in another place on the page: only the layout changed.
    expect(done).toMatchObject({ state: "ready", changed: false, wordsAdded: 0, wordsRemoved: 0 });
  });

  it("waits for the text check of a fresh version, then reads the text itself once the wait is over", async () => {
    const v4 = await deliver(await textPdf(["Kept text of version two amended"]), { check: false });
    const [pending] = await diffRowsTo(v4);
    expect(await runDiffJob(pending!.id, deps())).toBe("waiting");
    expect(await jobsFor(pending!.id)).toBe(2);
    const later = () => new Date(Date.now() + 120_000);
    expect(await runDiffJob(pending!.id, { ...deps(), now: later })).toBe("done");
    const [done] = await diffRowsTo(v4);
    expect(done).toMatchObject({ state: "ready", changed: true, wordsAdded: 1, wordsRemoved: 0 });
    expect(await t.db.select().from(reportTexts).where(eq(reportTexts.reportId, v4))).toHaveLength(1);
  });

  it("compares with any earlier version on request, within the user's lab only", async () => {
    const view = await getReportDiffForUser(t.db, scopeA, ids.v3, ids.v1);
    expect(view).toMatchObject({ state: "missing", fromVersion: 1, toVersion: 3 });
    await requestDiff({ fromReportId: ids.v1, toReportId: ids.v3, labId: seed.labA }, deps());
    const [row] = await t.db
      .select()
      .from(reportDiffs)
      .where(and(eq(reportDiffs.fromReportId, ids.v1), eq(reportDiffs.toReportId, ids.v3)));
    await runDiffJob(row!.id, deps());
    expect((await getReportDiffForUser(t.db, scopeA, ids.v3, ids.v1))?.state).toBe("ready");
    // Not "from" a later version, and nothing for another lab's doctor.
    expect(await getReportDiffForUser(t.db, scopeA, ids.v1, ids.v3)).toBeUndefined();
    expect(await getReportDiffForUser(t.db, scopeB, ids.v2)).toBeUndefined();
    expect(await getReportDiffForUser(t.db, scopeB, ids.v3, ids.v1)).toBeUndefined();
  });

  it("by default compares with the version last signed off, not merely the one before", async () => {
    // Without a sign-off: the version superseded (v2 -> v3).
    expect(await getReportDiffForUser(t.db, scopeA, ids.v3)).toMatchObject({ fromVersion: 2, toVersion: 3 });
    // v1 signed off, v2 never was: what changed since the doctor's sign-off is v1 -> v3.
    await t.db.insert(reportSignOffs).values({ reportId: ids.v1, labId: seed.labA, signedOffById: scopeA.userId });
    expect(await getReportDiffForUser(t.db, scopeA, ids.v3)).toMatchObject({ fromVersion: 1, toVersion: 3 });
    // Another lab's doctor still sees nothing.
    expect(await getReportDiffForUser(t.db, scopeB, ids.v3)).toBeUndefined();
  });
});
