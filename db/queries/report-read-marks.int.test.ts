import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { incoming, twoLabsSuite } from "@/db/testing/deliveries";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb } from "@/lib/testing/test-db";
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

const ctx = twoLabsSuite(createTestDb);

beforeAll(async () => {
  // Lab A's lab result gets versions 1 and 2 as delivered, and version 3 attached by its admin.
  await ctx.store(incoming({ metadata: { doctor_note: "urgent" } }), "msg_1");
  await ctx.store(incoming(), "msg_2");
  const late = await ctx.store(incoming({ referenceId: "ACC-LATE" }), "msg_late");
  await attachUnmatchedReport(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), late.reportId, ctx.labResultId);
});

describe("read and review marks", () => {
  it("counts reports as new for a user until that user opens them", async () => {
    const before = await listUnreadReportsForUser(ctx.db, scopeFor(ctx.adminA, [ctx.labA]));
    // Versions 1 and 2 as delivered, and the attached version 3.
    expect(before.count).toBe(3);
    await markReportRead(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), before.latest[0]!.id);
    await markReportRead(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), before.latest[0]!.id);
    expect((await listUnreadReportsForUser(ctx.db, scopeFor(ctx.adminA, [ctx.labA]))).count).toBe(2);
    expect((await listUnreadReportsForUser(ctx.db, scopeFor(ctx.adminA, [ctx.labB]))).count).toBe(0);
  });

  it("counts only recent reports as new, and counts up to the cap", async () => {
    const reader = (
      await createUser(ctx.db, {
        email: "reader@a.test",
        name: "Reader",
        passwordHash: "x",
        role: "doctor",
        labIds: [ctx.labA],
      })
    ).id;
    const fresh = await listUnreadReportsForUser(ctx.db, scopeFor(reader, [ctx.labA]));
    expect(fresh.count).toBeGreaterThan(0);
    // Age every report of lab A past the window: none is new any more.
    await ctx.db.execute(
      sql`update interpretation_reports set received_at = now() - make_interval(days => ${UNREAD_WINDOW_DAYS + 1}) where lab_id = ${ctx.labA}`,
    );
    expect(await listUnreadReportsForUser(ctx.db, scopeFor(reader, [ctx.labA]))).toEqual({ count: 0, latest: [] });
    // Many recent unread reports (new versions for ACC-100): the count stops at the cap; the list keeps its limit.
    for (let i = 0; i < UNREAD_COUNT_CAP + 2; i++) await ctx.store(incoming({ sha256: `many-${i}` }), `msg_many_${i}`);
    const many = await listUnreadReportsForUser(ctx.db, scopeFor(reader, [ctx.labA]), 5);
    expect(many.count).toBe(UNREAD_COUNT_CAP);
    expect(many.latest).toHaveLength(5);
  });

  it("records a review only for a report of the user's labs", async () => {
    const [report] = await listReportsForLabResult(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), ctx.labResultId);
    expect(await markReportReviewed(ctx.db, scopeFor(ctx.adminA, [ctx.labB]), report!.id)).toBeNull();
    expect((await getReviewedAt(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), [report!.id])).size).toBe(0);
    // The report's own lab, for its audit event (whatever lab the user is working in).
    expect(await markReportReviewed(ctx.db, scopeFor(ctx.adminA, [ctx.labB, ctx.labA]), report!.id)).toBe(ctx.labA);
    expect(
      (await getReviewedAt(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), [report!.id])).get(report!.id),
    ).toBeInstanceOf(Date);
  });
});
