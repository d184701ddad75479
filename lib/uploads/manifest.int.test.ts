import { and, eq, sql } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimLabResultForSending } from "@/db/queries/system/lab-result-sends";
import { createLab } from "@/db/queries/labs";
import { createUser } from "@/db/queries/users";
import { auditEvents, documents, labResults, patients } from "@/db/schema";
import { SUBMIT_QUEUE, createBoss } from "@/lib/jobs/boss";
import { checkRow, parseManifestCsv, type ManifestRow } from "@/lib/manifest";
import { sha256Hex } from "@/lib/crypto";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { checkManifestForLab, sendManifestFile, type LabActor } from "./manifest";

/** The manifest's server side against a real database: the checks only it can make, and a batch's send. */

let t: TestDb;
let boss: PgBoss;
let actor: LabActor;
let otherLab: LabActor;

async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText(text);
  return doc.save();
}

const header = "file_name,patient_id,given_name,family_name,birth_date,sex,accession_number,mode,notes,patient_email";

function row(csvLine: string, line = 2): ManifestRow {
  const parsed = parseManifestCsv(`${header}\n${csvLine}\n`);
  const checked = checkRow({ ...parsed.rows[0]!, line }, "interpret");
  if (!checked.row) throw new Error(checked.problems.map((p) => p.message).join(" "));
  return checked.row;
}

async function send(r: ManifestRow, bytes: Uint8Array, who = actor, patientRef?: string) {
  return sendManifestFile(t.db, who, r, { name: r.fileName, bytes }, { patientRef, maxUploadMb: 20, boss });
}

beforeAll(async () => {
  t = await createTestDb();
  boss = await createBoss(t.bossTarget);
  const makeLab = async (name: string): Promise<LabActor> => {
    const labId = (await createLab(t.db, { name, partnerLabId: name.toLowerCase().replace(/ /g, "-") })).id;
    const user = await createUser(t.db, {
      email: `tech@${labId}.test`,
      name: "Tech",
      passwordHash: "x",
      role: "technician",
      labIds: [labId],
    });
    return { labId, userId: user.id, role: "technician", labIds: [labId] };
  };
  actor = await makeLab("Manifest Lab");
  otherLab = await makeLab("Other Lab");
}, 120_000);

afterAll(async () => {
  await boss?.stop({ graceful: false });
  await t?.close();
});

describe("a manifest row's file name", () => {
  it("is stored through the file-name sanitiser: no folders, control or bidi characters, at most 150 characters", async () => {
    const raw = `..\\reports/${"a".repeat(300)}\u0007\u202Egnp<x>.pdf`;
    const r = row(`"${raw}",P-NAME-1,Ada,Lovelace,1980-12-10,female,ACC-NAME-1,,,`);
    const result = await sendManifestFile(
      t.db,
      otherLab,
      r,
      { name: raw, bytes: await pdf("Result for P-NAME-1") },
      { maxUploadMb: 20, boss },
    );
    expect(result.status).toBe("success");
    const [stored] = await t.db
      .select({ fileName: documents.fileName })
      .from(labResults)
      .innerJoin(documents, eq(documents.id, labResults.documentId))
      .where(eq(labResults.id, result.status === "success" ? result.labResultId : ""));
    // The last path segment, the bell and the right-to-left override gone, "<>" made "_",
    // cut to 150 characters with its extension kept.
    expect(stored!.fileName).toBe(`${"a".repeat(146)}.pdf`);
    const short = row(`"scans/x\u202Efdp.exe\u0000.pdf",P-NAME-1,Ada,Lovelace,1980-12-10,female,ACC-NAME-2,,,`);
    expect(short.fileName).toBe("xfdp.exe.pdf");
  });
});

describe("the server's check of a manifest", () => {
  it("finds a patient id that exists with other details, and files already uploaded for their accession, in this lab only", async () => {
    const old = await pdf("old result");
    expect((await send(row("old.pdf,P-EXT1,Grace,Hopper,1906-12-09,female,ACC-OLD,store only,,"), old)).status).toBe(
      "success",
    );
    // Another lab's patient and upload do not count here.
    expect(
      (await send(row("other.pdf,P-OTHER,Someone,Else,1950-01-01,male,ACC-NEW,,,"), await pdf("x"), otherLab)).status,
    ).toBe("success");

    const parsed = parseManifestCsv(
      [
        header,
        "a.pdf,P-EXT1,Grace,Hopper,1907-12-09,female,ACC-NEW,,,",
        "old.pdf,P-EXT1,Grace,Hopper,1906-12-09,female,ACC-OLD,,,",
        "renamed.pdf,P-EXT1,Grace,Hopper,1906-12-09,female,ACC-OLD,,,",
        "b.pdf,P-OTHER,Ada,Lovelace,1980-12-10,female,ACC-NEW,,,",
        "other.pdf,P-NEW,Alan,Turing,1954-06-07,male,ACC-NEW,,,",
      ].join("\n"),
    );
    const files = ["a.pdf", "old.pdf", "renamed.pdf", "b.pdf", "other.pdf"].map((name) => ({
      name,
      size: 1000,
      sha256: name === "renamed.pdf" ? sha256Hex(old) : sha256Hex(new TextEncoder().encode(name)),
    }));
    const check = await checkManifestForLab(t.db, actor, parsed, files, {
      defaultMode: "interpret",
      maxUploadMb: 20,
    });
    const messages = check.problems.map((p) => `${p.line} ${p.column}: ${p.message}`);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toBe(
      "2 birthDate: Patient id P-EXT1 already exists in this lab as Hopper, Grace, born 1906-12-09, sex female; this row says Hopper, Grace, born 1907-12-09, sex female. Correct the row to match, or correct the patient id.",
    );
    expect(messages[1]).toMatch(
      /^3 fileName: old.pdf was already uploaded for accession ACC-OLD on .* UTC \(a file of the same name\)/,
    );
    expect(messages[2]).toMatch(
      /^4 fileName: renamed.pdf was already uploaded for accession ACC-OLD on .* UTC \(the same content\)/,
    );
    expect(check.ready.map((r) => r.line)).toEqual([5, 6]);
  });

  it("a file already uploaded is refused again when it is sent", async () => {
    const result = await send(row("old.pdf,P-EXT1,Grace,Hopper,1906-12-09,female,ACC-OLD,,,"), await pdf("new bytes"));
    expect(result.status).toBe("refused");
    expect(result.status === "refused" ? result.message : "").toMatch(
      /^old\.pdf was already uploaded for accession ACC-OLD on .+ \(a file of the same name\)\. Nothing was sent\.$/,
    );
  });

  it("the same content under another name is refused too: one duplicate rule with the single upload", async () => {
    const bytes = await pdf("same content for P-DUP");
    // In the other lab, so that the batch test below counts only its own audit events.
    const first = await send(row("first.pdf,P-DUP,Ada,Lovelace,1915-12-10,female,ACC-DUP,,,"), bytes, otherLab);
    expect(first.status).toBe("success");
    const again = await send(row("renamed.pdf,P-DUP,Ada,Lovelace,1915-12-10,female,ACC-DUP,,,"), bytes, otherLab);
    expect(again.status === "refused" ? again.message : "").toMatch(/\(the same content\)\. Nothing was sent\.$/);
  });
});

describe("a file the wrong-patient guard holds", () => {
  it("is answered held (needs_confirmation, with the guard's reason), stored without a send job", async () => {
    // The text names neither the patient id nor the accession number.
    const result = await send(
      row("held.pdf,P-HELD,Alan,Turing,1912-06-23,male,ACC-HELD,,,"),
      await pdf("A lab result for someone"),
      otherLab,
    );
    expect(result).toMatchObject({ status: "success", labResultStatus: "needs_confirmation" });
    expect(result.status === "success" ? result.message : "").toMatch(/.+/);
    const id = result.status === "success" ? result.labResultId : "";
    const [stored] = await t.db.select({ status: labResults.status }).from(labResults).where(eq(labResults.id, id));
    expect(stored?.status).toBe("needs_confirmation");
    const jobs = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pgboss.job where name = ${SUBMIT_QUEUE} and data->>'labResultId' = ${id}`,
    );
    const counted = (Array.isArray(jobs) ? jobs : (jobs as { rows: Array<{ n: number }> }).rows) as Array<{
      n: number;
    }>;
    expect(counted[0]?.n).toBe(0);
  });

  it("a file that names its patient is answered queued", async () => {
    const result = await send(
      row("named.pdf,P-NAMED,Alan,Turing,1912-06-23,male,ACC-NAMED,,,"),
      await pdf("Patient ID: P-NAMED"),
      otherLab,
    );
    expect(result).toMatchObject({ status: "success", labResultStatus: "queued" });
  });
});

describe("sending a batch", () => {
  it("stores every file: a new patient's files all kept on one patient, an existing patient's attached to it", async () => {
    const before = await t.db.$count(labResults, eq(labResults.labId, actor.labId));
    const newRows = [1, 2, 3].map((i) =>
      row(`n${i}.pdf,P-NEW1,Katherine,Johnson,1918-08-26,female,ACC-N,,,kj@example.org`, i + 1),
    );
    const existingRows = [1, 2].map((i) => row(`e${i}.pdf,P-EXT1,grace,HOPPER,1906-12-09,f,ACC-E,store only,,`, i + 4));
    const groups = [newRows, existingRows];
    const results = await Promise.all(
      groups.map(async ([first, ...rest]) => {
        // Lab results name their patient, so that the wrong-patient guard lets them go.
        const head = await send(first!, await pdf(`${first!.fileName} for ${first!.patientId}`));
        const ref = head.status === "success" ? head.patientRef : undefined;
        return [
          head,
          ...(await Promise.all(
            rest.map(async (r) => send(r, await pdf(`${r.fileName} for ${r.patientId}`), actor, ref)),
          )),
        ];
      }),
    );
    expect(results.flat().map((r) => r.status)).toEqual(["success", "success", "success", "success", "success"]);
    expect(await t.db.$count(labResults, eq(labResults.labId, actor.labId))).toBe(before + 5);

    const [newPatient] = await t.db
      .select()
      .from(patients)
      .where(and(eq(patients.labId, actor.labId), eq(patients.patientId, "P-NEW1")));
    expect(await t.db.$count(labResults, eq(labResults.patientId, newPatient!.id))).toBe(3);
    const [existing] = await t.db
      .select()
      .from(patients)
      .where(and(eq(patients.labId, actor.labId), eq(patients.patientId, "P-EXT1")));
    expect(existing!.givenName).toBe("Grace");
    const stored = await t.db
      .select({ fileName: documents.fileName, patientEmail: labResults.patientEmail, status: labResults.status })
      .from(labResults)
      .innerJoin(documents, eq(documents.id, labResults.documentId))
      .where(eq(labResults.patientId, existing!.id));
    expect(stored.map((s) => s.fileName).sort()).toEqual(["e1.pdf", "e2.pdf", "old.pdf"]);

    // The address is on the lab result for the send, and nowhere in the job or the audit trail.
    const ids = results.flat().flatMap((r) => (r.status === "success" ? [r.labResultId] : []));
    const rows = await t.db.select().from(labResults).where(eq(labResults.patientId, newPatient!.id));
    expect(rows.every((r) => r.patientEmail === "kj@example.org" && r.status === "queued")).toBe(true);
    // The send reads it back with the row (and lib/docus sends it as patient_email).
    const claimed = await claimLabResultForSending(t.db, rows[0]!.id, 30);
    expect(claimed).toMatchObject({ patientEmail: "kj@example.org", physicianEmail: null });
    const jobs = await t.db.execute<{ data: unknown }>(sql`select data from pgboss.job where name = ${SUBMIT_QUEUE}`);
    const jobRows = (Array.isArray(jobs) ? jobs : (jobs as { rows: Array<{ data: unknown }> }).rows) as Array<{
      data: unknown;
    }>;
    const payloads = JSON.stringify(jobRows.map((j) => j.data));
    for (const id of ids) expect(payloads).toContain(id);
    expect(payloads).not.toContain("example.org");
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.labId, actor.labId));
    expect(JSON.stringify(audit)).not.toContain("example.org");
    expect(audit.filter((a) => a.action === "lab_result.upload")).toHaveLength(6);
  });

  it("files of one new patient sent at once without a patient reference still make one patient and keep every file", async () => {
    const rows = [1, 2, 3, 4].map((i) => row(`c${i}.pdf,P-C,Dorothy,Vaughan,1910-09-20,female,ACC-C,,,`, i + 1));
    const results = await Promise.all(rows.map(async (r) => send(r, await pdf(r.fileName))));
    expect(results.map((r) => r.status)).toEqual(["success", "success", "success", "success"]);
    expect(new Set(results.map((r) => (r.status === "success" ? r.patientRef : "")))).toHaveProperty("size", 1);
  });

  it("a row that does not match the patient its batch resolved to is refused", async () => {
    const [someone] = await t.db
      .select()
      .from(patients)
      .where(and(eq(patients.labId, actor.labId), eq(patients.patientId, "P-NEW1")));
    const r = row("x1.pdf,P-EXT1,Grace,Hopper,1906-12-09,female,ACC-X,,,");
    expect(await send(r, await pdf("x1"), actor, someone!.id)).toEqual({
      status: "refused",
      message: "Row 2 does not match the patient its batch resolved to. Nothing was sent.",
    });
  });
});
