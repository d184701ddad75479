import { eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLab } from "@/db/queries/labs";
import { createUser } from "@/db/queries/users";
import { auditEvents, labResults, labs } from "@/db/schema";
import { createBoss } from "@/lib/jobs/boss";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { uploadLabResult, type UploadActor, type UploadRequest } from "./upload";

/** The one upload service against a real database: every outcome a technician can meet. */

let t: TestDb;
let boss: PgBoss;
let actor: UploadActor;

async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText(text);
  return doc.save();
}

const person = { givenName: "Ada", familyName: "Lovelace", birthDate: "1915-12-10", sex: "female" } as const;

async function request(over: Partial<UploadRequest> & { text?: string; name?: string } = {}): Promise<UploadRequest> {
  const { text, name, ...rest } = over;
  return {
    file: { name: name ?? "result.pdf", bytes: await pdf(text ?? "Patient ID: P-1001") },
    patient: { kind: "new", patientId: "P-1001", ...person },
    accessionNumber: "ACC-1",
    mode: "store_only",
    ...rest,
  };
}

const upload = async (r: UploadRequest, who = actor) => uploadLabResult(t.db, who, r, { maxUploadMb: 1, boss });

beforeAll(async () => {
  t = await createTestDb();
  boss = await createBoss(t.bossTarget);
  const lab = await createLab(t.db, { name: "Upload Lab", partnerLabId: "upload-lab" });
  const user = await createUser(t.db, {
    email: "tech@upload.test",
    name: "Tech",
    passwordHash: "x",
    role: "technician",
    labIds: [lab.id],
  });
  actor = {
    scope: { userId: user.id, role: "technician", labIds: [lab.id], labId: lab.id },
    userId: user.id,
    lab: { id: lab.id, name: "Upload Lab" },
  };
}, 120_000);

afterAll(async () => {
  await boss?.stop({ graceful: false });
  await t?.close();
});

describe("the upload service", () => {
  it("queues a PDF that names its patient, with its audit event", async () => {
    const outcome = await upload(await request({ name: "first.pdf" }));
    expect(outcome).toMatchObject({ kind: "queued" });
    const id = outcome.kind === "queued" ? outcome.labResultId : "";
    const [row] = await t.db.select().from(labResults).where(eq(labResults.id, id));
    expect(row?.status).toBe("queued");
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.labResultId, id));
    expect(audit.map((a) => a.action)).toContain("lab_result.upload");
  });

  it("answers held, with the guard's reason, for a PDF that does not name its patient", async () => {
    const outcome = await upload(await request({ name: "held.pdf", accessionNumber: "ACC-2", text: "Someone" }));
    expect(outcome.kind).toBe("held");
    if (outcome.kind !== "held") return;
    expect(outcome.reason.length).toBeGreaterThan(10);
    const [row] = await t.db.select().from(labResults).where(eq(labResults.id, outcome.labResultId));
    expect(row?.status).toBe("needs_confirmation");
  });

  it("one duplicate rule: the same content, or the same file name, for the same accession", async () => {
    const sameName = await upload(await request({ name: "FIRST.pdf", text: "Patient ID: P-1001, corrected" }));
    expect(sameName).toMatchObject({ kind: "duplicate", earlier: { status: "queued" } });
    expect(sameName.kind === "duplicate" ? sameName.message : "").toMatch(/\(a file of the same name\)\.$/);

    const bytes = await pdf("Patient ID: P-1001 again");
    const base = await request({ name: "a.pdf", accessionNumber: "ACC-3" });
    expect((await upload({ ...base, file: { name: "a.pdf", bytes } })).kind).toBe("queued");
    const sameContent = await upload({ ...base, file: { name: "b.pdf", bytes } });
    expect(sameContent.kind === "duplicate" ? sameContent.message : "").toMatch(/\(the same content\)\.$/);
    // Another accession is not a duplicate; a confirmed one is sent again.
    expect((await upload({ ...base, accessionNumber: "ACC-4", file: { name: "b.pdf", bytes } })).kind).toBe("queued");
    expect((await upload({ ...base, confirmDuplicate: true, file: { name: "b.pdf", bytes } })).kind).toBe("queued");
  });

  it("refuses, with why, what it cannot store: not a PDF, too large, a patient id with other details", async () => {
    const notPdf = await upload({
      ...(await request()),
      file: { name: "x.pdf", bytes: new TextEncoder().encode("hello") },
    });
    expect(notPdf).toMatchObject({ kind: "refused", field: "file" });

    const big = new Uint8Array(1024 * 1024 + 1);
    const tooLarge = await upload({ ...(await request()), file: { name: "big.pdf", bytes: big } });
    expect(tooLarge).toEqual({ kind: "refused", field: "file", message: "big.pdf is larger than the 1 MB limit." });

    const conflict = await upload(
      await request({
        name: "other.pdf",
        accessionNumber: "ACC-5",
        patient: { kind: "new", patientId: "P-1001", ...person, givenName: "Augusta" },
        sayer: "row 7",
      }),
    );
    expect(conflict).toMatchObject({ kind: "refused", field: "patientId", existingPatient: { patientId: "P-1001" } });
    expect(conflict.kind === "refused" ? conflict.message : "").toBe(
      "Patient id P-1001 already exists in this lab as Lovelace, Ada, born 1915-12-10, sex female; row 7 says Lovelace, Augusta, born 1915-12-10, sex female. Nothing was stored. Choose the existing patient, or correct the patient id or details.",
    );
  });

  it("refuses every upload of a deactivated lab, and of a user without a lab", async () => {
    expect((await upload(await request(), { ...actor, lab: null })).kind).toBe("refused");
    await t.db.update(labs).set({ active: false }).where(eq(labs.id, actor.lab!.id));
    const outcome = await upload(await request({ name: "late.pdf", accessionNumber: "ACC-6" }));
    expect(outcome).toEqual({ kind: "refused", message: "Upload Lab is deactivated and takes no new uploads." });
    await t.db.update(labs).set({ active: true }).where(eq(labs.id, actor.lab!.id));
  });
});
