import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documents, interpretationReports, labResults, patients, type LabResultStatus } from "@/db/schema";
import { scopeFor } from "@/db/testing/scope";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createLab } from "./labs";
import {
  FUZZY_BELOW_MATCHES,
  listPatientsForUser,
  PATIENT_COUNT_CAP,
  prefixUpperBound,
  searchPatientsForLab,
} from "./patients";
import { markReportRead, UNREAD_WINDOW_DAYS } from "./report-read-marks";
import { createUser } from "./users";

let t: TestDb;
let lab: string;
let otherLab: string;
let doctor: string;
let docId: string;

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

async function addPatient(
  labId: string,
  patientId: string,
  givenName: string,
  familyName: string,
  activityHoursAgo: number,
) {
  const [row] = await t.db
    .insert(patients)
    .values({ labId, patientId, givenName, familyName, lastActivityAt: hoursAgo(activityHoursAgo) })
    .returning({ id: patients.id });
  return row!.id;
}

async function addResult(
  labId: string,
  patient: string,
  accessionNumber: string,
  status: LabResultStatus,
  createdHoursAgo: number,
) {
  const [row] = await t.db
    .insert(labResults)
    .values({
      labId,
      patientId: patient,
      documentId: docId,
      accessionNumber,
      mode: "interpret",
      status,
      createdAt: hoursAgo(createdHoursAgo),
    })
    .returning({ id: labResults.id });
  return row!.id;
}

let ada: string;
let alan: string;

beforeAll(async () => {
  t = await createTestDb();
  lab = (await createLab(t.db, { name: "Search Lab" })).id;
  otherLab = (await createLab(t.db, { name: "Other Lab" })).id;
  doctor = (
    await createUser(t.db, { email: "doc@search.test", name: "Doc", passwordHash: "x", role: "doctor", labIds: [lab] })
  ).id;
  const [doc] = await t.db
    .insert(documents)
    .values({
      labId: lab,
      bytes: new Uint8Array([37, 80, 68, 70]),
      sha256: "00",
      sizeBytes: 4,
      mimeType: "application/pdf",
      fileName: "a.pdf",
    })
    .returning({ id: documents.id });
  docId = doc!.id;

  ada = await addPatient(lab, "MRN-1001", "Ada", "Lovelace", 1);
  alan = await addPatient(lab, "MRN-1002", "Alan", "Turing", 2);
  await addPatient(lab, "mrn-2001", "Grace", "Hopper", 3);
  await addPatient(lab, "X_100%", "Edsger", "Dijkstra", 4);
  // The same names and ids in another lab: never found from `lab`.
  await addPatient(otherLab, "MRN-1001", "Ada", "Lovelace", 0);

  await addResult(lab, ada, "ACC-7001", "rejected", 30);
  const latest = await addResult(lab, ada, "ACC-7002", "accepted", 5);
  await addResult(lab, alan, "acc-8001", "sending", 1);
  await t.db.insert(interpretationReports).values({
    labId: lab,
    patientId: ada,
    labResultId: latest,
    documentId: docId,
    idempotencyKey: "search-test-1",
    referenceId: "ACC-7002",
    deliveredPatientId: "MRN-1001",
    matchState: "matched",
  });
});

afterAll(async () => {
  await t.close();
});

const ids = (rows: { patientId: string }[]) => rows.map((r) => r.patientId);

describe("patient search (listPatientsForUser)", () => {
  it("without a search lists the lab's patients by latest activity, with per-row columns", async () => {
    const page = await listPatientsForUser(t.db, scopeFor(doctor, [lab]));
    expect(page.total).toBe(4);
    expect(ids(page.rows)).toEqual(["MRN-1001", "MRN-1002", "mrn-2001", "X_100%"]);
    expect(page.rows[0]).toMatchObject({ resultCount: 2, latestStatus: "accepted", hasUnreadReport: true });
    expect(page.rows[1]).toMatchObject({ resultCount: 1, latestStatus: "sending", hasUnreadReport: false });
    expect(page.rows[2]).toMatchObject({ resultCount: 0, latestStatus: null, hasUnreadReport: false });
  });

  it("finds patient ids by prefix, whatever the case", async () => {
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "mrn-100" })).rows)).toEqual([
      "MRN-1001",
      "MRN-1002",
    ]);
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "MRN-2" })).rows)).toEqual(["mrn-2001"]);
  });

  it("finds accession numbers by prefix, whatever the case, once per patient", async () => {
    const page = await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "acc-" });
    expect(page.total).toBe(2);
    expect(ids(page.rows)).toEqual(["MRN-1001", "MRN-1002"]);
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "ACC-8" })).rows)).toEqual(["MRN-1002"]);
  });

  it("finds names by prefix and by similarity, best match first", async () => {
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "love" })).rows)).toEqual(["MRN-1001"]);
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "Tur" })).rows)).toEqual(["MRN-1002"]);
    // A typo still finds the patient (trigram similarity on the full name).
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "grace hoper" })).rows)).toEqual([
      "mrn-2001",
    ]);
    // Both start with "a"; similarity decides the order before activity does.
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "alan" })).rows)[0]).toBe("MRN-1002");
  });

  it("catches typos in searches of five letters or more", async () => {
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "lovelase" })).rows)).toEqual([
      "MRN-1001",
    ]);
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "Hoppr" })).rows)).toEqual(["mrn-2001"]);
    // Prefix matches rank above names that are only alike.
    const both = await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "turin" });
    expect(ids(both.rows)[0]).toBe("MRN-1002");
  });

  it("looks for alike names only while the prefix matches are fewer than a page", async () => {
    const namesake = (await createLab(t.db, { name: "Namesake Lab" })).id;
    await addPatient(namesake, "N-typo", "Ada", "Lovelase", 0);
    for (let i = 1; i < FUZZY_BELOW_MATCHES; i++) await addPatient(namesake, `N-${i}`, "Ada", "Lovelace", 1 + i);
    const few = await listPatientsForUser(t.db, scopeFor(doctor, [namesake]), { q: "lovelac" });
    expect(few.total).toBe(FUZZY_BELOW_MATCHES);
    // The alike name comes after every prefix match, though its activity is the latest.
    expect(few.rows.at(-1)?.patientId).toBe("N-typo");
    await addPatient(namesake, `N-${FUZZY_BELOW_MATCHES}`, "Ada", "Lovelace", 100);
    const enough = await listPatientsForUser(t.db, scopeFor(doctor, [namesake]), { q: "lovelac" });
    expect(enough.total).toBe(FUZZY_BELOW_MATCHES);
    expect(ids(enough.rows)).not.toContain("N-typo");
  });

  it("matches short searches by prefix only", async () => {
    expect((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "lovl" })).total).toBe(0);
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "a" })).rows)).toEqual([
      "MRN-1001",
      "MRN-1002",
    ]);
    expect((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "zz" })).total).toBe(0);
  });

  it("takes LIKE wildcards literally", async () => {
    expect((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "%" })).total).toBe(0);
    expect((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "_" })).total).toBe(0);
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "x_100%" })).rows)).toEqual(["X_100%"]);
  });

  it("pages a search and still gives the total past the last page", async () => {
    const first = await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "mrn", pageSize: 2 });
    const second = await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "mrn", pageSize: 2, page: 2 });
    const beyond = await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "mrn", pageSize: 2, page: 5 });
    expect([first.total, second.total, beyond.total]).toEqual([3, 3, 3]);
    expect([...ids(first.rows), ...ids(second.rows)]).toEqual(["MRN-1001", "MRN-1002", "mrn-2001"]);
    expect(beyond.rows).toEqual([]);
  });

  it("keeps the order stable across pages when activity times are equal", async () => {
    const sameLab = (await createLab(t.db, { name: "Ties Lab" })).id;
    // One instant for all five (addPatient's "hours ago" would differ by milliseconds).
    const at = hoursAgo(7);
    await t.db.insert(patients).values(
      [3, 1, 2, 5, 4].map((n) => ({
        labId: sameLab,
        patientId: `T-${n}`,
        givenName: "Tie",
        familyName: `Same${n}`,
        lastActivityAt: at,
      })),
    );
    const pages = await Promise.all(
      [1, 2, 3].map((page) => listPatientsForUser(t.db, scopeFor(doctor, [sameLab]), { page, pageSize: 2 })),
    );
    const seen = pages.flatMap((p) => p.rows.map((row) => row.id));
    // Equal activity: the id decides, the same way on every page.
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(5);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5]);
  });

  it("counts a large lab's patients up to the cap, and says when there are more", async () => {
    const big = (await createLab(t.db, { name: "Big Lab" })).id;
    const addMany = (from: number, to: number) =>
      t.db.execute(
        sql`insert into patients (lab_id, patient_id, given_name, family_name) select ${big}, 'C-' || g, 'Cap', 'Count' || g from generate_series(${from}::int, ${to}::int) g`,
      );
    await addMany(1, PATIENT_COUNT_CAP);
    const exact = await listPatientsForUser(t.db, scopeFor(doctor, [big]));
    expect([exact.total, exact.totalIsLowerBound, exact.rows.length]).toEqual([PATIENT_COUNT_CAP, false, 25]);
    await addMany(PATIENT_COUNT_CAP + 1, PATIENT_COUNT_CAP + 1);
    const capped = await listPatientsForUser(t.db, scopeFor(doctor, [big]));
    expect([capped.total, capped.totalIsLowerBound]).toEqual([PATIENT_COUNT_CAP, true]);
    // A search counts its matches exactly, however many.
    const searched = await listPatientsForUser(t.db, scopeFor(doctor, [big]), { q: "c-" });
    expect([searched.total, searched.totalIsLowerBound]).toEqual([PATIENT_COUNT_CAP + 1, false]);
  });

  it("does not flag a report older than the unread window as new", async () => {
    await t.db.insert(interpretationReports).values({
      labId: lab,
      patientId: alan,
      documentId: docId,
      idempotencyKey: "search-test-old",
      referenceId: "acc-8001",
      deliveredPatientId: "MRN-1002",
      matchState: "matched",
      receivedAt: new Date(Date.now() - (UNREAD_WINDOW_DAYS + 1) * 86_400_000),
    });
    const page = await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "MRN-1002" });
    expect(page.rows[0]).toMatchObject({ patientId: "MRN-1002", hasUnreadReport: false });
  });

  it("drops the unread flag once the user has opened the report", async () => {
    const [report] = await t.db
      .select({ id: interpretationReports.id })
      .from(interpretationReports)
      .where(eq(interpretationReports.idempotencyKey, "search-test-1"));
    await markReportRead(t.db, scopeFor(doctor, [lab]), report!.id);
    const page = await listPatientsForUser(t.db, scopeFor(doctor, [lab]), { q: "MRN-1001" });
    expect(page.rows[0]).toMatchObject({ patientId: "MRN-1001", hasUnreadReport: false });
  });

  it("never returns another lab's patients", async () => {
    const page = await listPatientsForUser(t.db, scopeFor(doctor, [otherLab]), { q: "acc-" });
    expect(page.total).toBe(0);
    expect(ids((await listPatientsForUser(t.db, scopeFor(doctor, [otherLab]), { q: "lovelace" })).rows)).toEqual([
      "MRN-1001",
    ]);
  });
});

describe("patient picker (searchPatientsForLab)", () => {
  it("finds by the same rules, best match first, and nothing for a blank search", async () => {
    expect(ids(await searchPatientsForLab(t.db, scopeFor(doctor, [lab]), "ada lovelace"))).toEqual(["MRN-1001"]);
    expect(ids(await searchPatientsForLab(t.db, scopeFor(doctor, [lab]), "acc-80"))).toEqual(["MRN-1002"]);
    expect(await searchPatientsForLab(t.db, scopeFor(doctor, [lab]), "   ")).toEqual([]);
  });
});

describe("prefixUpperBound", () => {
  it("is the least string above every string with the prefix", () => {
    expect(prefixUpperBound("abc")).toBe("abd");
    expect(prefixUpperBound("acc-9")).toBe("acc-:");
    expect(prefixUpperBound("jos\u00e9")).toBe("jos\u00ea");
    // Past the surrogate block, and past the last code point.
    expect(prefixUpperBound("a\ud7ff")).toBe("a\ue000");
    expect(prefixUpperBound("a\u{10ffff}")).toBe("b");
    expect(prefixUpperBound("\u{10ffff}")).toBeNull();
    expect(prefixUpperBound("")).toBeNull();
  });

  it("bounds the search so that neighbours of the prefix are not found", async () => {
    const neighbours = (await createLab(t.db, { name: "Neighbours Lab" })).id;
    for (const id of ["ab-1", "ab", "ac-1", "aa-9", "ab\u00e9"]) await addPatient(neighbours, id, "N", "N", 1);
    const found = ids((await listPatientsForUser(t.db, scopeFor(doctor, [neighbours]), { q: "ab" })).rows).sort();
    expect(found).toEqual(["ab", "ab-1", "ab\u00e9"]);
  });
});
