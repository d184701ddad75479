import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import type { PgBoss } from "pg-boss";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLab } from "@/db/queries/labs";
import {
  PatientConflictError,
  createLabResultSubmission,
  type SubmissionInput,
} from "@/db/queries/lab-result-submissions";
import { createUser } from "@/db/queries/users";
import { documents, labResults, patients, submissionAttempts } from "@/db/schema";
import type { DocusCredentials } from "@/lib/docus";
import { createDocusSimulator, type DocusSimulator, type SimRequestRecord } from "@/scripts/docus-simulator/simulator";
import { SUBMIT_QUEUE, createBoss } from "@/lib/jobs/boss";
import { claimLabResultForSending, startSubmissionAttempt } from "@/db/queries/system/lab-result-sends";
import { ABANDONED_ATTEMPT_MESSAGE } from "@/lib/domain";
import { sha256Hex } from "@/lib/crypto";
import { newPatientSubmission } from "@/lib/testing/submission-input";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { enqueueSubmission, runSubmitJob, sendLabResult, startSubmitWorker, sweepLabResults, type SendDeps } from ".";

/** The send path against a real database, a real pg-boss and the Docus simulator. */

const creds = { apiKey: "sim-key-0123456789", teamId: "sim-team-0123", authKey: "sim-auth-0123456789" };
let t: TestDb;
let boss: PgBoss;
let sim: DocusSimulator;
let simUrl: string;
let labId: string;
let userId: string;
let pdf: Uint8Array;
let credentials: DocusCredentials;
const fastPolicy = { maxAttempts: 3, baseMs: 200, maxMs: 5000 };

async function simRequests(): Promise<SimRequestRecord[]> {
  const body = (await (await fetch(`${simUrl}/__sim/requests`)).json()) as { requests: SimRequestRecord[] };
  return body.requests;
}

async function fault(spec: Record<string, unknown>) {
  await fetch(`${simUrl}/__sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spec),
  });
}

let counter = 0;
function input(overrides: Partial<SubmissionInput> = {}): SubmissionInput {
  counter++;
  return newPatientSubmission({ labId, userId, patientId: `P-${counter}`, sequence: counter }, pdf, overrides);
}

async function statusOf(id: string) {
  const [row] = await t.db
    .select()
    .from(labResults)
    .where(sql`${labResults.id} = ${id}`);
  return row!;
}

async function jobsFor(id: string): Promise<Array<{ data: unknown; state: string }>> {
  const rows = await t.db.execute<{ data: unknown; state: string }>(
    sql`select data, state from pgboss.job where name = ${SUBMIT_QUEUE} and data->>'labResultId' = ${id}`,
  );
  return (Array.isArray(rows) ? rows : (rows as { rows: Array<{ data: unknown; state: string }> }).rows) as Array<{
    data: unknown;
    state: string;
  }>;
}

/** The send jobs waiting for a lab result, each with how many seconds until it may start. */
async function pendingJobs(id: string): Promise<Array<{ startsInSeconds: number }>> {
  const rows = await t.db.execute<{ starts_in: number }>(
    sql`select extract(epoch from (start_after - now()))::float8 as starts_in from pgboss.job
        where name = ${SUBMIT_QUEUE} and state in ('created', 'retry') and data->>'labResultId' = ${id}`,
  );
  const list = (Array.isArray(rows) ? rows : (rows as { rows: Array<{ starts_in: number }> }).rows) as Array<{
    starts_in: number;
  }>;
  return list.map((r) => ({ startsInSeconds: Number(r.starts_in) }));
}

beforeAll(async () => {
  t = await createTestDb();
  boss = await createBoss(t.bossTarget);
  sim = createDocusSimulator({
    ...creds,
    deliveryUrl: "http://127.0.0.1:9/unused",
    delayMs: 60_000,
    deliveryHeader: "x-api-key",
  });
  simUrl = `http://127.0.0.1:${await sim.listen(0)}`;
  credentials = { apiUrl: simUrl, ...creds };
  labId = (await createLab(t.db, { name: "Send Lab", partnerLabId: "send-lab" })).id;
  userId = (
    await createUser(t.db, {
      email: "tech@send.test",
      name: "Tech",
      passwordHash: "x",
      role: "technician",
      labIds: [labId],
    })
  ).id;
  const doc = await PDFDocument.create();
  doc.addPage();
  pdf = await doc.save();
}, 60_000);

afterEach(async () => {
  await fault({ reset: true });
});

afterAll(async () => {
  await boss?.stop({ graceful: false });
  await sim?.close();
  await t?.close();
});

const deps = (): SendDeps => ({ db: t.db, boss, credentials, policy: fastPolicy, timeoutMs: 2000 });

describe("the upload transaction", () => {
  it("is all-or-nothing: a failure inside it leaves no patient, document, lab result or job", async () => {
    const before = await Promise.all([patients, documents, labResults].map((table) => t.db.$count(table)));
    let createdId: string | undefined;
    await expect(
      createLabResultSubmission(t.db, input(), async (tx, id) => {
        createdId = id;
        await enqueueSubmission(tx, id, 0, boss);
        throw new Error("simulated failure after the job was enqueued");
      }),
    ).rejects.toThrow(/simulated failure/);
    const after = await Promise.all([patients, documents, labResults].map((table) => t.db.$count(table)));
    expect(after).toEqual(before);
    expect(await jobsFor(createdId!)).toEqual([]);
  });

  it("enqueues a job that carries the lab result id and nothing else", async () => {
    const { labResultId } = await createLabResultSubmission(t.db, input({ notes: "fasting sample" }), (tx, id) =>
      enqueueSubmission(tx, id, 3600, boss),
    );
    const jobs = await jobsFor(labResultId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toEqual({ labResultId });
    const serialized = JSON.stringify(jobs);
    expect(serialized).not.toContain(Buffer.from(pdf).toString("base64").slice(0, 40));
    for (const secret of Object.values(creds)) expect(serialized).not.toContain(secret);
    expect(serialized).not.toContain("fasting sample");
  });

  it("stores the bytes exactly, every byte value included (they travel as Base64)", async () => {
    const odd = new Uint8Array([...pdf, 0, 255, 128, 10, 13]);
    // A view into a larger buffer, as the upload route hands the file on.
    const inLarger = new Uint8Array(odd.length + 8);
    inLarger.set(odd, 4);
    const { labResultId } = await createLabResultSubmission(
      t.db,
      input({ file: { bytes: inLarger.subarray(4, 4 + odd.length), sha256: "x", fileName: "odd.pdf" } }),
      async () => {},
    );
    const [row] = await t.db
      .select({ bytes: documents.bytes, size: documents.sizeBytes })
      .from(documents)
      .innerJoin(labResults, eq(labResults.documentId, documents.id))
      .where(eq(labResults.id, labResultId));
    expect(Buffer.from(row!.bytes).equals(Buffer.from(odd))).toBe(true);
    expect(row!.size).toBe(odd.length);
  });

  it("a new patient whose id the lab has with the same demographics is that patient; other demographics are refused, nothing stored", async () => {
    const first = input();
    const a = await createLabResultSubmission(t.db, first, async () => {});
    // The second file of a batch: same id, same person (names compared without case or extra spaces).
    const same = { ...first.patient, givenName: " ada ", familyName: "LOVELACE" } as SubmissionInput["patient"];
    const b = await createLabResultSubmission(t.db, input({ patient: same }), async () => {});
    expect(b.patientId).toBe(a.patientId);
    const count = async () =>
      (await t.db.select({ id: labResults.id }).from(labResults).where(eq(labResults.patientId, a.patientId))).length;
    expect(await count()).toBe(2);
    const other = { ...first.patient, birthDate: "1981-12-10" } as SubmissionInput["patient"];
    const refused = createLabResultSubmission(t.db, input({ patient: other }), async () => {});
    await expect(refused).rejects.toBeInstanceOf(PatientConflictError);
    await expect(refused).rejects.toMatchObject({
      existing: { birthDate: "1980-12-10" },
      requested: { birthDate: "1981-12-10" },
    });
    expect(await count()).toBe(2);
  });

  it("concurrent uploads of the same new patient create exactly one patient", async () => {
    const first = input();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        createLabResultSubmission(t.db, input({ patient: first.patient }), async () => {}),
      ),
    );
    expect(new Set(results.map((r) => r.patientId)).size).toBe(1);
    const [row] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(patients)
      .where(
        and(eq(patients.labId, labId), eq(patients.patientId, (first.patient as { patientId: string }).patientId)),
      );
    expect(row?.n).toBe(1);
  });
});

describe("sending", () => {
  it("a process killed after the commit and before the send: the worker sends it on restart, exactly once", async () => {
    // The "crashed" process committed the upload with its job, and never sent it.
    const { labResultId } = await createLabResultSubmission(t.db, input(), (tx, id) =>
      enqueueSubmission(tx, id, 0, boss),
    );
    const accession = (await statusOf(labResultId)).accessionNumber;
    const mine = async () => (await simRequests()).filter((r) => r.reference_id === accession);
    // A new process starts its worker.
    const worker = await createBoss(t.bossTarget);
    try {
      await startSubmitWorker(worker, { db: t.db, credentials, policy: fastPolicy, timeoutMs: 2000 });
      await expect.poll(async () => (await statusOf(labResultId)).status, { timeout: 20_000 }).toBe("accepted");
    } finally {
      await worker.stop({ graceful: true });
    }
    const after = await mine();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      endpoint: "/lab-results",
      status: 201,
      sha256: sha256Hex(pdf),
      partner_lab_id: "send-lab",
    });
    // Running the job again sends nothing more.
    expect(await sendLabResult(labResultId, deps())).toBe("skipped");
    expect(await mine()).toHaveLength(1);
  });

  it("never has two requests in flight for one lab result", async () => {
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    const before = (await simRequests()).length;
    const results = await Promise.all([
      sendLabResult(labResultId, deps()),
      sendLabResult(labResultId, deps()),
      sendLabResult(labResultId, deps()),
    ]);
    expect(results.filter((r) => r === "accepted")).toHaveLength(1);
    expect(results.filter((r) => r === "skipped")).toHaveLength(2);
    expect((await simRequests()).length - before).toBe(1);
  });

  it("sends Docus the stored bytes exactly, as one Base64 string read from the database", async () => {
    // Every byte value, and long enough that PostgreSQL's Base64 would break into lines.
    const every = new Uint8Array([...pdf, ...Array.from({ length: 1024 }, (_, i) => i % 256)]);
    const { labResultId } = await createLabResultSubmission(
      t.db,
      input({ file: { bytes: every, sha256: "x", fileName: "every-byte.pdf" } }),
      async () => {},
    );
    expect(await sendLabResult(labResultId, deps())).toBe("accepted");
    const sent = (await simRequests()).at(-1)!;
    expect(sent.fileName).toBe("every-byte.pdf");
    expect(sent.size).toBe(every.length);
    expect(sent.sha256).toBe(createHash("sha256").update(every).digest("hex"));
  });

  it("store only goes to /lab-results/not-interpret", async () => {
    const { labResultId } = await createLabResultSubmission(t.db, input({ mode: "store_only" }), async () => {});
    expect(await sendLabResult(labResultId, deps())).toBe("accepted");
    expect((await simRequests()).at(-1)?.endpoint).toBe("/lab-results/not-interpret");
  });

  it("a transient failure schedules a retry job; the retry is accepted", async () => {
    await fault({ status: 503, count: 1, retryAfter: 3 });
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    expect(await sendLabResult(labResultId, deps())).toBe("retrying");
    const row = await statusOf(labResultId);
    expect(row.status).toBe("retrying");
    expect(row.lastError).toMatch(/503/);
    // Retry-After (3 s) wins over the shorter backoff.
    expect(row.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(Date.now() + 2000);
    // The retry, after Retry-After, and the job set for the end of the send's lease (17 s
    // for a 2 s timeout), which takes a send over when its process died mid-request.
    const starts = (await pendingJobs(labResultId)).map((j) => j.startsInSeconds).sort((a, b) => a - b);
    expect(starts).toHaveLength(2);
    expect(starts[0]).toBeLessThan(4);
    expect(starts[1]).toBeGreaterThan(15);
    // Not before its time.
    expect(await sendLabResult(labResultId, deps())).toBe("skipped");
    await new Promise((resolve) => setTimeout(resolve, row.nextAttemptAt!.getTime() - Date.now()));
    expect(await sendLabResult(labResultId, deps())).toBe("accepted");
    const attempts = await t.db
      .select()
      .from(submissionAttempts)
      .where(sql`${submissionAttempts.labResultId} = ${labResultId}`);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.httpStatus])).toEqual(
      expect.arrayContaining([
        [1, "transient", 503],
        [2, "accepted", 201],
      ]),
    );
  });

  it("a 400 is rejected with Docus's message and not retried", async () => {
    await fault({ status: 400, count: 1, message: "reference_id is not a known order" });
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    expect(await sendLabResult(labResultId, deps())).toBe("rejected");
    const row = await statusOf(labResultId);
    expect(row.status).toBe("rejected");
    expect(row.lastError).toContain("reference_id is not a known order");
    // No retry: only the job set for the end of the lease, which finds nothing to do and
    // leaves no successor.
    const jobs = await pendingJobs(labResultId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.startsInSeconds).toBeGreaterThan(15);
    await t.db.execute(
      sql`delete from pgboss.job where name = ${SUBMIT_QUEUE} and data->>'labResultId' = ${labResultId}`,
    );
    await runSubmitJob(labResultId, { ...deps(), boss }, { takeover: true });
    expect(await pendingJobs(labResultId)).toEqual([]);
    expect(await sendLabResult(labResultId, deps())).toBe("skipped");
  });

  it("gives up after the last attempt, as failed", async () => {
    await fault({ status: 503, count: 10 });
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    const policy = { maxAttempts: 2, baseMs: 100, maxMs: 100 };
    expect(await sendLabResult(labResultId, { ...deps(), policy })).toBe("retrying");
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await sendLabResult(labResultId, { ...deps(), policy })).toBe("failed");
    expect((await statusOf(labResultId)).lastError).toMatch(/^Gave up after 2 attempts/);
  });

  it("wrong credentials are rejected as a credentials problem, without the credentials", async () => {
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    const wrong = { ...credentials, apiKey: "wrong-key-0123456789" };
    expect(await sendLabResult(labResultId, { ...deps(), credentials: wrong })).toBe("rejected");
    const row = await statusOf(labResultId);
    expect(row.lastError).toMatch(/credentials/);
    expect(row.lastError).not.toContain("wrong-key-0123456789");
  });

  it("without a configured Docus connection it fails with a message for the administrator", async () => {
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    expect(await sendLabResult(labResultId, { ...deps(), credentials: null })).toBe("failed");
    expect((await statusOf(labResultId)).lastError).toMatch(/no Docus connection configured/);
  });
});

describe("nothing stays stuck", () => {
  it("the sweep enqueues a due lab result that has no job, once, and one whose sending lease has ended", async () => {
    // A row whose job was lost (committed without one).
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    expect(await pendingJobs(labResultId)).toEqual([]);
    await sweepLabResults({ db: t.db, boss });
    expect(await pendingJobs(labResultId)).toHaveLength(1);
    // A second sweep sees the waiting job and adds nothing.
    await sweepLabResults({ db: t.db, boss });
    expect(await pendingJobs(labResultId)).toHaveLength(1);

    // A send that died: `sending`, lease over, its job gone (or stuck active).
    const died = await createLabResultSubmission(t.db, input(), async () => {});
    await t.db
      .update(labResults)
      .set({ status: "sending", sendingUntil: sql`now() - interval '1 second'` })
      .where(eq(labResults.id, died.labResultId));
    await sweepLabResults({ db: t.db, boss });
    expect(await pendingJobs(died.labResultId)).toHaveLength(1);
  });

  it("a job that finds the row held by a live lease does not complete without a successor for when the lease ends", async () => {
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    // Another instance holds it for 30 s.
    await t.db
      .update(labResults)
      .set({ status: "sending", sendingUntil: sql`now() + interval '30 seconds'` })
      .where(eq(labResults.id, labResultId));
    await runSubmitJob(labResultId, { ...deps(), boss });
    const jobs = await pendingJobs(labResultId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.startsInSeconds).toBeGreaterThan(25);
    expect(jobs[0]!.startsInSeconds).toBeLessThan(35);
    // A finished row needs nothing: no successor.
    const done = await createLabResultSubmission(t.db, input(), async () => {});
    await t.db.update(labResults).set({ status: "accepted" }).where(eq(labResults.id, done.labResultId));
    await runSubmitJob(done.labResultId, { ...deps(), boss });
    expect(await pendingJobs(done.labResultId)).toEqual([]);
  });

  it("a send whose process died mid-request is taken over as soon as its lease lapses, by the job set for the lease's end; the dead attempt reads abandoned and the count is what the history lists", async () => {
    // The jobs earlier tests left behind (rows never sent on purpose) would queue ahead.
    await t.db.execute(sql`delete from pgboss.job where name = ${SUBMIT_QUEUE} and state in ('created', 'retry')`);
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    // What sendLabResult does up to the request, with a 2-second lease; then the process "dies".
    const leaseSeconds = 2;
    expect(await claimLabResultForSending(t.db, labResultId, leaseSeconds)).toBeDefined();
    await t.db.transaction(async (tx) => {
      await startSubmissionAttempt(tx, labResultId);
      await enqueueSubmission(tx, labResultId, leaseSeconds + 1, boss, { takeover: true });
    });
    const diedAt = Date.now();
    // The job for the lease's end is all there is: the sweep adds nothing for this row.
    expect(await pendingJobs(labResultId)).toHaveLength(1);
    await sweepLabResults({ db: t.db, boss });
    expect(await pendingJobs(labResultId)).toHaveLength(1);

    // Another instance, whose sweep runs only once a minute.
    const other = await createBoss(t.bossTarget, { sweepSeconds: 60 });
    try {
      // No rate limit here: the sends of the tests before this one may have spent the minute's budget.
      await startSubmitWorker(other, { db: t.db, credentials, policy: fastPolicy, timeoutMs: 2000, limiter: null });
      await expect.poll(async () => (await statusOf(labResultId)).status, { timeout: 15_000 }).toBe("accepted");
      // Within the lease plus ten seconds of the death, not at the next sweep.
      expect(Date.now() - diedAt).toBeLessThan((leaseSeconds + 10) * 1000);
    } finally {
      await other.stop({ graceful: true });
    }
    const history = await t.db
      .select()
      .from(submissionAttempts)
      .where(eq(submissionAttempts.labResultId, labResultId))
      .orderBy(submissionAttempts.startedAt);
    expect(history.map((a) => [a.attempt, a.outcome, a.message === ABANDONED_ATTEMPT_MESSAGE])).toEqual([
      [1, "transient", true],
      [2, "accepted", false],
    ]);
    expect(history.every((a) => a.finishedAt !== null)).toBe(true);
    expect((await statusOf(labResultId)).attempts).toBe(history.length);
  });

  it("a claim that never reached a request (its process died waiting for the rate limit) counts no attempt", async () => {
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    expect(await claimLabResultForSending(t.db, labResultId, 1)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await sendLabResult(labResultId, deps())).toBe("accepted");
    const history = await t.db.select().from(submissionAttempts).where(eq(submissionAttempts.labResultId, labResultId));
    expect(history).toHaveLength(1);
    expect((await statusOf(labResultId)).attempts).toBe(1);
  });

  it("a rate limit without a slot soon gives the claim back and queues the row for when there is one", async () => {
    const { labResultId } = await createLabResultSubmission(t.db, input(), async () => {});
    const limiter = {
      take: async () => ({ ok: false as const, waitMs: 90_000 }),
      pause: async () => {},
      usage: async () => ({ usedThisHour: 0, hourResetsInMs: 0, nextFreeInMs: 90_000 }),
    };
    expect(await sendLabResult(labResultId, { ...deps(), limiter })).toBe("deferred");
    const row = await statusOf(labResultId);
    expect(row).toMatchObject({ status: "queued", attempts: 0, sendingUntil: null });
    expect(row.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 80_000);
    const jobs = await pendingJobs(labResultId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.startsInSeconds).toBeGreaterThan(80);
  });
});
