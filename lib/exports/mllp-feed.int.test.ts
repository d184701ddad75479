import { createHash } from "node:crypto";
import { Hl7Message } from "@medplum/core";
import { Hl7Server, type Hl7Connection } from "@medplum/hl7";
import { and, eq } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { attachUnmatchedReport } from "@/db/queries/deliveries";
import { createLab } from "@/db/queries/labs";
import { listFeedMessages } from "@/db/queries/hl7-feed";
import { storeDeliveredReport } from "@/db/queries/system/deliveries";
import { createUser } from "@/db/queries/users";
import { auditEvents, hl7FeedMessages, labResults, labs } from "@/db/schema";
import { incoming, submitForNewPatient } from "@/db/testing/deliveries";
import { scopeFor } from "@/db/testing/scope";
import { HL7_FEED_QUEUE, createBoss } from "@/lib/jobs/boss";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { resendFeedMessageAsActor, updateHl7SettingsAsActor } from "./feed-admin";
import { unescapeHl7 } from "./hl7";
import { queueReportForFeed, sendFeedMessage, startHl7FeedWorker, type FeedPolicy } from "./mllp-feed";
import { smallPdf } from "./testing";

/** The MLLP test server's port on loopback (the range this suite may use is 4250-4259). */
const PORT = Number(process.env.MLLP_TEST_PORT ?? 4251);
const policy: FeedPolicy = { maxAttempts: 3, baseMs: 50, maxMs: 200, timeoutMs: 2_000 };

let t: TestDb;
let boss: PgBoss;
let labA: string;
let labB: string;
let admin: string;
let server: Hl7Server | null = null;
/** What the server received, and what it answers next (AA unless told). */
const received: string[] = [];
let answers: string[] = [];

async function startServer(): Promise<void> {
  server = new Hl7Server((connection: Hl7Connection) => {
    connection.addEventListener("message", (event) => {
      received.push(event.message.toString());
      const ackCode = (answers.shift() ?? "AA") as "AA";
      connection.send(event.message.buildAck({ ackCode }));
    });
  });
  await server.start(PORT);
}

async function stopServer(): Promise<void> {
  await server?.stop({ forceDrainTimeoutMs: 100 });
  server = null;
}

let sequence = 0;
/** Delivers a new report version for lab result `accession` of P-1 (as the delivery route does, feed hook included). */
async function deliver(accession: string, partnerLabId = "lab-a") {
  sequence += 1;
  const pdf = await smallPdf(`Interpretation ${sequence}`);
  return storeDeliveredReport(
    t.db,
    incoming({
      patientId: "P-1",
      referenceId: accession,
      partnerLabId,
      pdf,
      sha256: createHash("sha256").update(pdf).digest("hex"),
    }),
    { webhookId: `msg_${sequence}`, remoteIp: "127.0.0.1", bodyBytes: 100, idempotencyKey: () => `wh:${sequence}` },
    async (tx, stored) => {
      if (stored.matched) await queueReportForFeed(tx, stored.reportId, boss);
    },
  );
}

async function feedRow(reportId: string) {
  const [row] = await t.db.select().from(hl7FeedMessages).where(eq(hl7FeedMessages.reportId, reportId));
  return row;
}

beforeAll(async () => {
  t = await createTestDb();
  boss = await createBoss(t.bossTarget);
  labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  labB = (await createLab(t.db, { name: "Lab B", partnerLabId: "lab-b" })).id;
  await t.db
    .update(labs)
    .set({
      hl7FeedEnabled: true,
      hl7FeedHost: "127.0.0.1",
      hl7FeedPort: PORT,
      hl7SendingApplication: "LAB-A-LIS",
      hl7SendingFacility: "LAB-A",
    })
    .where(eq(labs.id, labA));
  admin = (await createUser(t.db, { email: "a@a.test", name: "A", passwordHash: "x", role: "admin", labIds: [labA] }))
    .id;
  for (const [labId, accession] of [
    [labA, "ACC-1"],
    [labA, "ACC-2"],
    [labA, "ACC-3"],
    [labA, "ACC-4"],
    [labB, "ACC-1"],
  ] as const) {
    await submitForNewPatientOnce(labId, accession);
  }
});

const patientsMade = new Set<string>();
async function submitForNewPatientOnce(labId: string, accession: string) {
  const { createLabResultSubmission } = await import("@/db/queries/lab-result-submissions");
  const { patients } = await import("@/db/schema");
  const [existing] = await t.db.select({ id: patients.id }).from(patients).where(eq(patients.labId, labId));
  if (!existing) {
    await submitForNewPatient(t.db, {
      labId,
      userId: admin,
      patient: {
        patientId: "P-1",
        givenName: "Ann",
        familyName: "Smith|Jones",
        birthDate: "1990-05-06",
        sex: "female",
      },
      accessionNumber: accession,
      fileName: `${accession}.pdf`,
    });
    patientsMade.add(labId);
    return;
  }
  const bytes = new TextEncoder().encode("%PDF-1.4\n%%EOF\n");
  await createLabResultSubmission(
    t.db,
    {
      labId,
      userId: admin,
      patient: { kind: "existing", id: existing.id },
      accessionNumber: accession,
      mode: "interpret",
      file: { bytes, sha256: "x", fileName: `${accession}.pdf` },
    },
    async () => {},
  );
}

afterEach(async () => {
  answers = [];
  received.length = 0;
  await stopServer();
});

afterAll(async () => {
  await stopServer();
  await boss?.stop({ graceful: false });
  await t?.close();
});

describe("the outbound HL7 feed over MLLP", () => {
  it("queues each new report version with a job carrying its id only, and sends it; the ACK marks it sent", async () => {
    await startServer();
    const stored = await deliver("ACC-1");
    const row = await feedRow(stored.reportId);
    expect(row).toMatchObject({ labId: labA, status: "queued", attempts: 0 });
    const jobs = await boss.findJobs<Record<string, unknown>>(HL7_FEED_QUEUE, { queued: true });
    expect(jobs.map((j) => j.data)).toContainEqual({ messageId: row!.id });
    expect(jobs.every((j) => Object.keys(j.data).join() === "messageId")).toBe(true);

    expect(await sendFeedMessage(row!.id, { db: t.db, boss, policy })).toEqual({ kind: "sent", ackCode: "AA" });
    expect(received).toHaveLength(1);
    const message = Hl7Message.parse(received[0]!);
    expect(message.getSegment("MSH")?.getField(3).toString()).toBe("LAB-A-LIS");
    expect(message.getSegment("MSH")?.getField(10).toString()).toBe(row!.controlId);
    expect(unescapeHl7(message.getSegment("PID")!.getField(5).getComponent(1))).toBe("Smith|Jones");
    expect(message.getSegment("ORC")?.getField(3).getComponent(1)).toBe("ACC-1");
    expect(message.getSegment("OBR")?.getField(25).toString()).toBe("F");
    expect(await feedRow(stored.reportId)).toMatchObject({
      status: "sent",
      attempts: 1,
      ackCode: "AA",
      lastError: null,
    });

    // A second version is a correction (C), a message of its own.
    const second = await deliver("ACC-1");
    const secondRow = await feedRow(second.reportId);
    expect(secondRow?.controlId).not.toBe(row!.controlId);
    await sendFeedMessage(secondRow!.id, { db: t.db, boss, policy });
    expect(Hl7Message.parse(received[1]!).getSegment("OBR")?.getField(25).toString()).toBe("C");
  });

  it("retries after an AE and after no connection, with backoff, then gives up; a resend starts over", async () => {
    await startServer();
    answers = ["AE"];
    const stored = await deliver("ACC-2");
    const id = (await feedRow(stored.reportId))!.id;
    // The first retry waits a minute (a policy of its own here, so that "not due" can be seen).
    const first = await sendFeedMessage(id, { db: t.db, boss, policy: { ...policy, baseMs: 60_000, maxMs: 60_000 } });
    expect(first).toMatchObject({ kind: "retry", ackCode: "AE" });
    const afterFirst = await feedRow(stored.reportId);
    expect(afterFirst).toMatchObject({ status: "queued", attempts: 1, ackCode: "AE" });
    expect(afterFirst!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // The successor job is in the queue, due at the retry time.
    const successors = (await boss.findJobs<{ messageId: string }>(HL7_FEED_QUEUE, { queued: true })).filter(
      (j) => j.data.messageId === id,
    );
    expect(successors.length).toBeGreaterThanOrEqual(2);

    // Not due yet: skipped. Then the minute has passed.
    expect(await sendFeedMessage(id, { db: t.db, boss, policy })).toBe("skipped");
    await t.db.update(hl7FeedMessages).set({ nextAttemptAt: new Date() }).where(eq(hl7FeedMessages.id, id));

    await stopServer();
    await new Promise((resolve) => setTimeout(resolve, 120));
    const second = await sendFeedMessage(id, { db: t.db, boss, policy });
    expect(second).toMatchObject({ kind: "retry" });
    expect((second as { reason: string }).reason).toMatch(/^No acknowledgment: /);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const third = await sendFeedMessage(id, { db: t.db, boss, policy });
    expect(third).toMatchObject({ kind: "failed" });
    expect(await feedRow(stored.reportId)).toMatchObject({ status: "failed", attempts: 3 });

    // The admin sends it again: due at once, attempts from zero, and this time the ACK is AA.
    await startServer();
    expect(
      await resendFeedMessageAsActor(
        t.db,
        { id: admin, role: "admin", labs: [{ id: labA, role: "admin" }] },
        { labId: labA, messageId: id },
      ),
    ).toEqual({ ok: true });
    expect(await sendFeedMessage(id, { db: t.db, boss, policy })).toEqual({ kind: "sent", ackCode: "AA" });
    expect(await feedRow(stored.reportId)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("does not retry an AR: the message is rejected; another lab's admin cannot resend it", async () => {
    await startServer();
    answers = ["AR"];
    const stored = await deliver("ACC-3");
    const id = (await feedRow(stored.reportId))!.id;
    expect(await sendFeedMessage(id, { db: t.db, boss, policy })).toMatchObject({ kind: "rejected", ackCode: "AR" });
    expect(await feedRow(stored.reportId)).toMatchObject({ status: "rejected", nextAttemptAt: null });
    expect(
      await resendFeedMessageAsActor(
        t.db,
        { id: admin, role: "admin", labs: [{ id: labB, role: "admin" }] },
        { labId: labA, messageId: id },
      ),
    ).toMatchObject({ ok: false });
    expect(await feedRow(stored.reportId)).toMatchObject({ status: "rejected" });
  });

  it("saves the lab's HL7 settings for its admin (audited), not for another lab's", async () => {
    const settings = {
      labId: labB,
      hl7SendingApplication: "LAB-B-LIS",
      hl7SendingFacility: null,
      hl7FeedEnabled: false,
      hl7FeedHost: "10.0.0.9",
      hl7FeedPort: 2575,
    };
    expect(
      await updateHl7SettingsAsActor(t.db, { id: admin, role: "admin", labs: [{ id: labA, role: "admin" }] }, settings),
    ).toMatchObject({
      ok: false,
    });
    const operator = { id: admin, role: "operator" as const, labs: [] };
    expect(await updateHl7SettingsAsActor(t.db, operator, settings)).toEqual({ ok: true });
    const [lab] = await t.db.select().from(labs).where(eq(labs.id, labB));
    expect(lab).toMatchObject({ hl7SendingApplication: "LAB-B-LIS", hl7FeedHost: "10.0.0.9", hl7FeedEnabled: false });
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "lab.hl7_update"));
    expect(event).toMatchObject({ labId: labB, details: { after: { hl7SendingApplication: "LAB-B-LIS" } } });
  });

  it("queues a report attached by hand from triage, in the attaching transaction", async () => {
    const stray = await deliver("ACC-UNKNOWN");
    expect(stray.matched).toBe(false);
    expect(await feedRow(stray.reportId)).toBeUndefined();
    const [target] = await t.db
      .select({ id: labResults.id })
      .from(labResults)
      .where(and(eq(labResults.labId, labA), eq(labResults.accessionNumber, "ACC-3")));
    const attached = await attachUnmatchedReport(
      t.db,
      scopeFor(admin, [labA], labA, "admin"),
      stray.reportId,
      target!.id,
      null,
      (tx, reportId) => queueReportForFeed(tx, reportId, boss),
    );
    expect(attached).toMatchObject({ ok: true });
    expect(await feedRow(stray.reportId)).toMatchObject({ labId: labA, status: "queued" });
  });

  it("queues nothing for a lab without a feed", async () => {
    const stored = await deliver("ACC-1", "lab-b");
    expect(stored.matched).toBe(true);
    expect(await feedRow(stored.reportId)).toBeUndefined();
  });

  it("runs through the worker: a delivered version reaches the MLLP server and shows as sent on the status list", async () => {
    await startServer();
    await startHl7FeedWorker(boss, { db: t.db, policy });
    try {
      const stored = await deliver("ACC-4");
      const deadline = Date.now() + 20_000;
      while ((await feedRow(stored.reportId))?.status !== "sent" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await feedRow(stored.reportId)).toMatchObject({ status: "sent", ackCode: "AA" });
      expect(received.some((m) => m.includes("ACC-4"))).toBe(true);
      const list = await listFeedMessages(t.db, scopeFor(admin, [labA], labA, "admin"), labA);
      expect(list[0]).toMatchObject({ status: "sent", accessionNumber: "ACC-4", reportVersion: 1 });
      // A viewer who is not a member (an operator) sees the status without the accession.
      const outsider = await listFeedMessages(t.db, scopeFor(admin, [], null, "operator"), labA);
      expect(outsider[0]).toMatchObject({ status: "sent", accessionNumber: null });
    } finally {
      await boss.offWork(HL7_FEED_QUEUE);
    }
  });
});
