import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveries, documents, labResults, patients, submissionAttempts } from "@/db/schema";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { getConnectionSnapshot, listRefusedDeliveries } from "./docus-connection";
import { createLab } from "./labs";

let t: TestDb;
// The snapshot reads no user rows: these ids only name who is asking.
const adminOfA = "admin-of-lab-a";
const operator = "operator";
let labA: string;
let labB: string;
const now = new Date();
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

async function labResult(labId: string, status: "queued" | "retrying" | "accepted", nextAttemptAt: Date | null = null) {
  const [patient] = await t.db
    .insert(patients)
    .values({ labId, patientId: `P-${Math.random()}`, givenName: "A", familyName: "B" })
    .returning();
  const [doc] = await t.db
    .insert(documents)
    .values({
      labId,
      bytes: new Uint8Array([37]),
      sha256: "00",
      sizeBytes: 1,
      mimeType: "application/pdf",
      fileName: "a.pdf",
    })
    .returning();
  const [row] = await t.db
    .insert(labResults)
    .values({
      labId,
      patientId: patient!.id,
      documentId: doc!.id,
      accessionNumber: "ACC",
      mode: "interpret",
      status,
      nextAttemptAt,
    })
    .returning();
  return row!.id;
}

beforeAll(async () => {
  t = await createTestDb();
  labA = (await createLab(t.db, { name: "A", partnerLabId: "a" })).id;
  labB = (await createLab(t.db, { name: "B", partnerLabId: "b" })).id;
  const sent = await labResult(labA, "accepted");
  await t.db.insert(submissionAttempts).values([
    {
      labResultId: sent,
      attempt: 1,
      startedAt: hoursAgo(3),
      finishedAt: hoursAgo(3),
      outcome: "transient",
      httpStatus: 503,
    },
    {
      labResultId: sent,
      attempt: 2,
      startedAt: hoursAgo(2),
      finishedAt: hoursAgo(2),
      outcome: "rejected",
      httpStatus: 401,
    },
    {
      labResultId: sent,
      attempt: 3,
      startedAt: hoursAgo(1),
      finishedAt: hoursAgo(1),
      outcome: "accepted",
      httpStatus: 201,
    },
    // Older than a day: not counted among the failures.
    {
      labResultId: sent,
      attempt: 0,
      startedAt: hoursAgo(30),
      finishedAt: hoursAgo(30),
      outcome: "rejected",
      httpStatus: 422,
    },
  ]);
  await labResult(labA, "retrying", new Date(now.getTime() + 60_000));
  const b = await labResult(labB, "queued");
  await t.db
    .insert(submissionAttempts)
    .values({ labResultId: b, attempt: 1, startedAt: hoursAgo(1), outcome: "rejected", httpStatus: 422 });
  await t.db.insert(deliveries).values([
    { receivedAt: hoursAgo(5), outcome: "refused", httpStatus: 401, reason: "authentication failed" },
    { receivedAt: hoursAgo(4), outcome: "refused", httpStatus: 401, reason: "authentication failed" },
    { receivedAt: hoursAgo(2), outcome: "accepted", httpStatus: 200, labId: labA },
    { receivedAt: hoursAgo(1), outcome: "refused", httpStatus: 422, reason: "not a PDF", labId: labB },
  ]);
});

afterAll(async () => {
  await t?.close();
});

describe("the Docus connection snapshot", () => {
  it("counts an admin's labs only, plus deliveries refused before a lab was known", async () => {
    const s = await getConnectionSnapshot(t.db, scopeFor(adminOfA, [labA], labA, "admin"), now);
    expect(s.lastSuccessAt?.getTime()).toBe(hoursAgo(1).getTime());
    expect(s.failures24h).toEqual({ credentials: 1, rejected: 0, transient: 1 });
    expect(s.waiting).toBe(1);
    expect(s.nextAttemptAt?.getTime()).toBe(now.getTime() + 60_000);
    expect(s.lastDelivery).toMatchObject({ outcome: "accepted", httpStatus: 200 });
    expect(s.refused24h).toEqual([{ reason: "authentication failed", n: 2 }]);
  });

  it("shows an operator everything", async () => {
    const s = await getConnectionSnapshot(t.db, scopeFor(operator, [], null, "operator"), now);
    expect(s.failures24h).toEqual({ credentials: 1, rejected: 1, transient: 1 });
    expect(s.waiting).toBe(2);
    expect(s.lastDelivery).toMatchObject({ outcome: "refused", reason: "not a PDF" });
    expect(s.refused24h).toEqual([
      { reason: "authentication failed", n: 2 },
      { reason: "not a PDF", n: 1 },
    ]);
    const rows = await listRefusedDeliveries(t.db, scopeFor(operator, [], null, "operator"), hoursAgo(24));
    expect(rows.map((r) => [r.reason, r.labName])).toEqual([
      ["not a PDF", "B"],
      ["authentication failed", null],
      ["authentication failed", null],
    ]);
    expect(await listRefusedDeliveries(t.db, scopeFor(adminOfA, [labA], labA, "admin"), hoursAgo(24))).toHaveLength(2);
  });
});
