import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incoming, seedTwoLabs, storeReport } from "@/db/testing/deliveries";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { attachUnmatchedReport } from "./deliveries";
import {
  getReviewedAt,
  listUnreadReportsForUser,
  markReportRead,
  markReportReviewed,
  UNREAD_COUNT_CAP,
  UNREAD_WINDOW_DAYS,
} from "./report-read-marks";
import { listReportsForLabResult } from "./reports";
import { createUser } from "./users";
import type { IncomingReport } from "./system/deliveries";

let t: TestDb;
let labA: string;
let labB: string;
let adminA: string;
let labResultId: string;

const store = (report: IncomingReport, webhookId: string | null = null) => storeReport(t.db, report, webhookId);

beforeAll(async () => {
  t = await createTestDb();
  ({ labA, labB, adminA, labResultId } = await seedTwoLabs(t.db));
  // Lab A's lab result gets versions 1 and 2 as delivered, and version 3 attached by its admin.
  await store(incoming({ metadata: { doctor_note: "urgent" } }), "msg_1");
  await store(incoming(), "msg_2");
  const late = await store(incoming({ referenceId: "ACC-LATE" }), "msg_late");
  await attachUnmatchedReport(t.db, scopeFor(adminA, [labA]), late.reportId, labResultId);
});

afterAll(async () => {
  await t?.close();
});

describe("read and review marks", () => {
  it("counts reports as new for a user until that user opens them", async () => {
    const before = await listUnreadReportsForUser(t.db, scopeFor(adminA, [labA]));
    // Versions 1 and 2 as delivered, and the attached version 3.
    expect(before.count).toBe(3);
    await markReportRead(t.db, scopeFor(adminA, [labA]), before.latest[0]!.id);
    await markReportRead(t.db, scopeFor(adminA, [labA]), before.latest[0]!.id);
    expect((await listUnreadReportsForUser(t.db, scopeFor(adminA, [labA]))).count).toBe(2);
    expect((await listUnreadReportsForUser(t.db, scopeFor(adminA, [labB]))).count).toBe(0);
  });

  it("counts only recent reports as new, and counts up to the cap", async () => {
    const reader = (
      await createUser(t.db, {
        email: "reader@a.test",
        name: "Reader",
        passwordHash: "x",
        role: "doctor",
        labIds: [labA],
      })
    ).id;
    const fresh = await listUnreadReportsForUser(t.db, scopeFor(reader, [labA]));
    expect(fresh.count).toBeGreaterThan(0);
    // Age every report of lab A past the window: none is new any more.
    await t.db.execute(
      sql`update interpretation_reports set received_at = now() - make_interval(days => ${UNREAD_WINDOW_DAYS + 1}) where lab_id = ${labA}`,
    );
    expect(await listUnreadReportsForUser(t.db, scopeFor(reader, [labA]))).toEqual({ count: 0, latest: [] });
    // Many recent unread reports (new versions for ACC-100): the count stops at the cap; the list keeps its limit.
    for (let i = 0; i < UNREAD_COUNT_CAP + 2; i++) await store(incoming({ sha256: `many-${i}` }), `msg_many_${i}`);
    const many = await listUnreadReportsForUser(t.db, scopeFor(reader, [labA]), 5);
    expect(many.count).toBe(UNREAD_COUNT_CAP);
    expect(many.latest).toHaveLength(5);
  });

  it("records a review only for a report of the user's labs", async () => {
    const [report] = await listReportsForLabResult(t.db, scopeFor(adminA, [labA]), labResultId);
    expect(await markReportReviewed(t.db, scopeFor(adminA, [labB]), report!.id)).toBeNull();
    expect((await getReviewedAt(t.db, scopeFor(adminA, [labA]), [report!.id])).size).toBe(0);
    // The report's own lab, for its audit event (whatever lab the user is working in).
    expect(await markReportReviewed(t.db, scopeFor(adminA, [labB, labA]), report!.id)).toBe(labA);
    expect((await getReviewedAt(t.db, scopeFor(adminA, [labA]), [report!.id])).get(report!.id)).toBeInstanceOf(Date);
  });
});
