import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, documents, labResults, patients } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { countLabActivity, listLabResultsForLab } from "./lab-results";
import { createLab, findLabByNameOrPartnerId, getLabsForUser, listLabsForUser } from "./labs";
import { getPatientForUser, listPatientsForUser, searchPatientsForLab } from "./patients";
import { getLabResultDocumentForUser, getLabResultForUser, listLabResultsForPatient } from "./lab-results";
import { getLabResultStatesForUser } from "./lab-result-submissions";
import { listReportsForLabResults } from "./reports";
import { createUser, findUserByEmail, getUserById, listUsersForLabs, setUserActiveForAdmin } from "./users";

let t: TestDb;
let labA: string;
let labB: string;
let adminA: string;
let techA: string;
let doctorB: string;

/** A user of exactly these labs: lab A's admin, or else lab B's doctor. */
const userOf = (labIds: string[]) => scopeFor(labIds.includes(labA) ? adminA : doctorB, labIds);

async function seedLabResult(labId: string, patientExternalId: string, accession: string) {
  const [patient] = await t.db
    .insert(patients)
    .values({ labId, patientId: patientExternalId, givenName: "Grace", familyName: `Hopper-${patientExternalId}` })
    .returning();
  const [doc] = await t.db
    .insert(documents)
    .values({
      labId,
      bytes: new Uint8Array([37, 80, 68, 70]),
      sha256: "00",
      sizeBytes: 4,
      mimeType: "application/pdf",
      fileName: "a.pdf",
    })
    .returning();
  await t.db.insert(labResults).values({
    labId,
    patientId: patient!.id,
    documentId: doc!.id,
    accessionNumber: accession,
    mode: "interpret",
    status: "accepted",
  });
}

beforeAll(async () => {
  t = await createTestDb();
  labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  labB = (await createLab(t.db, { name: "Lab B" })).id;
  adminA = (
    await createUser(t.db, { email: "Admin@A.test", name: "Admin A", passwordHash: "x", role: "admin", labIds: [labA] })
  ).id;
  techA = (
    await createUser(t.db, {
      email: "tech@a.test",
      name: "Tech A",
      passwordHash: "x",
      role: "technician",
      labIds: [labA],
    })
  ).id;
  doctorB = (
    await createUser(t.db, { email: "doc@b.test", name: "Doc B", passwordHash: "x", role: "doctor", labIds: [labB] })
  ).id;
  await seedLabResult(labA, "PA-1", "ACC-A-1");
  await seedLabResult(labB, "PB-1", "ACC-B-1");
});

afterAll(async () => {
  await t.close();
});

describe("labs and users", () => {
  it("finds a lab by name or by partner lab id", async () => {
    expect((await findLabByNameOrPartnerId(t.db, "Lab A"))?.id).toBe(labA);
    expect((await findLabByNameOrPartnerId(t.db, "lab-a"))?.id).toBe(labA);
    expect(await findLabByNameOrPartnerId(t.db, "nope")).toBeUndefined();
  });

  it("refuses a second lab with the same partner lab id", async () => {
    await expect(createLab(t.db, { name: "Lab A2", partnerLabId: "lab-a" })).rejects.toThrow();
  });

  it("stores emails lower-cased and finds them case-insensitively", async () => {
    expect((await findUserByEmail(t.db, "ADMIN@a.TEST"))?.id).toBe(adminA);
    await expect(
      createUser(t.db, { email: "admin@a.test", name: "Dup", passwordHash: "x", role: "doctor", labIds: [] }),
    ).rejects.toThrow();
  });

  it("creates the user and memberships together, or neither", async () => {
    await expect(
      createUser(t.db, {
        email: "ghost@a.test",
        name: "Ghost",
        passwordHash: "x",
        role: "doctor",
        labIds: ["00000000-0000-0000-0000-000000000000"],
      }),
    ).rejects.toThrow();
    expect(await findUserByEmail(t.db, "ghost@a.test")).toBeUndefined();
  });

  it("lists only the user's own labs", async () => {
    expect((await listLabsForUser(t.db, techA)).map((l) => l.name)).toEqual(["Lab A"]);
    expect((await getLabsForUser(t.db, userOf([labB]), [labA, labB])).map((l) => l.id)).toEqual([labB]);
  });

  it("lists users of the given labs only", async () => {
    const emails = (await listUsersForLabs(t.db, userOf([labA]))).map((u) => u.email);
    expect(emails).toEqual(["admin@a.test", "tech@a.test"]);
    expect(await listUsersForLabs(t.db, userOf([]))).toEqual([]);
  });

  it("lets an admin deactivate a user of their lab, ending the user's sessions", async () => {
    const before = await getUserById(t.db, techA);
    expect(await setUserActiveForAdmin(t.db, scopeFor(adminA, [labA], labA, "admin"), techA, false)).toEqual([labA]);
    const after = await getUserById(t.db, techA);
    expect(after?.active).toBe(false);
    expect(after?.sessionVersion).toBe((before?.sessionVersion ?? 0) + 1);
    await setUserActiveForAdmin(t.db, scopeFor(adminA, [labA], labA, "admin"), techA, true);
  });

  it("does not let an admin touch a user of another lab", async () => {
    expect(await setUserActiveForAdmin(t.db, scopeFor(adminA, [labA], labA, "admin"), doctorB, false)).toBeNull();
    expect((await getUserById(t.db, doctorB))?.active).toBe(true);
  });
});

describe("lab scoping", () => {
  it("lists a lab's patients and never another lab's", async () => {
    const a = await listPatientsForUser(t.db, scopeFor(adminA, [labA]));
    expect(a.total).toBe(1);
    expect(a.rows.map((p) => p.patientId)).toEqual(["PA-1"]);
    const b = await listPatientsForUser(t.db, scopeFor(doctorB, [labB]));
    expect(b.rows.map((p) => p.patientId)).toEqual(["PB-1"]);
  });

  it("lists a lab's lab results and never another lab's", async () => {
    expect((await listLabResultsForLab(t.db, userOf([labA]))).map((r) => r.accessionNumber)).toEqual(["ACC-A-1"]);
    expect((await listLabResultsForLab(t.db, userOf([labB]))).map((r) => r.accessionNumber)).toEqual(["ACC-B-1"]);
  });

  it("counts a lab's activity only", async () => {
    const counts = await countLabActivity(t.db, userOf([labA]));
    expect(counts).toEqual({ today: 1, thisWeek: 1, waitingForReport: 1, rejected: 0 });
  });

  it("searches a lab's patients by patient id, name prefix, fuzzy name and accession, never another lab's", async () => {
    const ids = async (labId: string, q: string) =>
      (await searchPatientsForLab(t.db, userOf([labId]), q)).map((p) => p.patientId);
    expect(await ids(labA, "pa-")).toEqual(["PA-1"]);
    expect(await ids(labA, "hopp")).toEqual(["PA-1"]);
    expect(await ids(labA, "grace hoper-pa-1")).toEqual(["PA-1"]);
    expect(await ids(labA, "acc-a")).toEqual(["PA-1"]);
    expect(await ids(labA, "acc-b")).toEqual([]);
    expect(await ids(labA, "pb-")).toEqual([]);
    expect(await ids(labB, "pb-")).toEqual(["PB-1"]);
    // LIKE wildcards in the search text are taken literally.
    expect(await ids(labA, "%")).toEqual([]);
  });

  it("lists patients with their results and latest status, filtered by search, never another lab's", async () => {
    const page = await listPatientsForUser(t.db, scopeFor(adminA, [labA]), { q: "acc-a-1" });
    expect(page.total).toBe(1);
    expect(page.rows[0]).toMatchObject({
      patientId: "PA-1",
      resultCount: 1,
      latestStatus: "accepted",
      hasUnreadReport: false,
    });
    expect((await listPatientsForUser(t.db, scopeFor(adminA, [labA]), { q: "pb-1" })).total).toBe(0);
    expect((await listPatientsForUser(t.db, scopeFor(doctorB, [labB]))).rows.map((p) => p.patientId)).toEqual(["PB-1"]);
  });

  it("refuses another lab's ids in every by-id query", async () => {
    const [a] = await listLabResultsForLab(t.db, userOf([labA]));
    const [patientA] = (await listPatientsForUser(t.db, scopeFor(adminA, [labA]))).rows;
    expect(await getPatientForUser(t.db, userOf([labB]), patientA!.id)).toBeUndefined();
    expect(await getPatientForUser(t.db, userOf([labA]), patientA!.id)).toBeDefined();
    expect(await getLabResultForUser(t.db, userOf([labB]), a!.id)).toBeUndefined();
    expect(await getLabResultForUser(t.db, userOf([labA]), a!.id)).toBeDefined();
    expect(await getLabResultDocumentForUser(t.db, userOf([labB]), a!.id)).toBeUndefined();
    expect(await getLabResultStatesForUser(t.db, userOf([labB]), [a!.id])).toEqual([]);
    expect(await listLabResultsForPatient(t.db, userOf([labB]), patientA!.id)).toEqual([]);
    expect((await listLabResultsForPatient(t.db, userOf([labA]), patientA!.id)).map((r) => r.accessionNumber)).toEqual([
      "ACC-A-1",
    ]);
    expect((await listReportsForLabResults(t.db, userOf([labB]), [a!.id])).size).toBe(0);
  });

  it("keeps a patient id unique within a lab but not across labs", async () => {
    await expect(
      t.db.insert(patients).values({ labId: labA, patientId: "PA-1", givenName: "X", familyName: "Y" }),
    ).rejects.toThrow();
    await t.db.insert(patients).values({ labId: labB, patientId: "PA-1", givenName: "X", familyName: "Y" });
  });
});

/** drizzle wraps driver errors: the database's own message is on the cause. */
async function dbErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return "no error";
}

describe("audit trail", () => {
  it("accepts new events but refuses UPDATE and DELETE in the database itself", async () => {
    await recordAudit(t.db, { action: "test.event", outcome: "allowed", userId: adminA, labId: labA });
    expect(
      await dbErrorOf(
        t.db
          .update(auditEvents)
          .set({ action: "tampered" })
          .where(sql`true`),
      ),
    ).toMatch(/append-only: UPDATE/);
    expect(await dbErrorOf(t.db.delete(auditEvents).where(sql`true`))).toMatch(/append-only: DELETE/);
    expect(await dbErrorOf(t.db.execute(sql`truncate audit_events`))).toMatch(/append-only: TRUNCATE/);
    const rows = await t.db.select().from(auditEvents);
    expect(rows.map((r) => r.action)).toContain("test.event");
  });
});
