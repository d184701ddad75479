import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deliveries, documents, interpretationReports, labResults, patients } from "@/db/schema";
import { incoming, pdf, submitForNewPatient, twoLabsSuite } from "@/db/testing/deliveries";
import { scopeFor } from "@/db/testing/scope";
import { pickReportTarget, type MatchCandidate } from "@/lib/docus/delivery/match";
import { createTestDb } from "@/lib/testing/test-db";
import { listLablessReportsForOperator } from "./operator-triage";
import { listUnmatchedReportsForAdmin } from "../deliveries";
import { listReportsForLabResult } from "../reports";

const ctx = twoLabsSuite(createTestDb);

describe("storeDeliveredReport", () => {
  it("stores the delivered Base64 as exactly the bytes it encodes (decoded by the database)", async () => {
    // Every byte value, over 100 KB: PostgreSQL's decode must give back the PDF byte for byte.
    const body = new Uint8Array(128 * 1024).map((_, i) => (i * 7 + (i >> 8)) % 256);
    const bytes = Buffer.concat([Buffer.from("%PDF-1.7\n"), body, Buffer.from("\n%%EOF\n")]);
    const stored = await ctx.store(
      incoming({
        referenceId: "ACC-B64",
        pdf: bytes,
        pdfBase64: bytes.toString("base64"),
        sha256: createHash("sha256").update(bytes).digest("hex"),
      }),
      "msg_base64",
    );
    const [doc] = await ctx.db
      .select({ bytes: documents.bytes, sizeBytes: documents.sizeBytes, sha256: documents.sha256 })
      .from(interpretationReports)
      .innerJoin(documents, eq(documents.id, interpretationReports.documentId))
      .where(eq(interpretationReports.id, stored.reportId));
    expect(doc!.sizeBytes).toBe(bytes.byteLength);
    expect(Buffer.from(doc!.bytes).equals(bytes)).toBe(true);
    expect(createHash("sha256").update(doc!.bytes).digest("hex")).toBe(doc!.sha256);
  });

  it("matches a report to its lab result by lab, accession and patient id, and marks it ready", async () => {
    const [patientBefore] = await ctx.db.select().from(patients).where(eq(patients.patientId, "P-100"));
    const stored = await ctx.store(incoming({ metadata: { doctor_note: "urgent" } }), "msg_1");
    expect(stored).toMatchObject({ duplicate: false, matched: true, labId: ctx.labA });
    const [lr] = await ctx.db.select().from(labResults).where(eq(labResults.id, ctx.labResultId));
    expect(lr?.status).toBe("report_ready");
    const [report] = await ctx.db
      .select()
      .from(interpretationReports)
      .where(eq(interpretationReports.id, stored.reportId));
    expect(report).toMatchObject({
      labId: ctx.labA,
      patientId: patientBefore?.id,
      labResultId: ctx.labResultId,
      matchState: "matched",
      referenceId: "ACC-100",
      deliveredPatientId: "P-100",
      partnerLabId: "lab-a",
      version: 1,
      supersedesId: null,
      idempotencyKey: "wh:msg_1",
      metadata: { doctor_note: "urgent" },
    });
    const [doc] = await ctx.db.select().from(documents).where(eq(documents.id, report!.documentId));
    expect(doc).toMatchObject({
      labId: ctx.labA,
      sizeBytes: pdf.byteLength,
      mimeType: "application/pdf",
      fileName: "interpretation-ACC-100.pdf",
    });
    expect(Buffer.from(doc!.bytes).equals(Buffer.from(pdf))).toBe(true);
    const [patientAfter] = await ctx.db.select().from(patients).where(eq(patients.id, patientBefore!.id));
    expect(patientAfter!.lastActivityAt.getTime()).toBeGreaterThanOrEqual(patientBefore!.lastActivityAt.getTime());
    const [log] = await ctx.db.select().from(deliveries).where(eq(deliveries.reportId, stored.reportId));
    expect(log).toMatchObject({
      outcome: "accepted",
      httpStatus: 200,
      reason: null,
      idempotencyKey: "wh:msg_1",
      webhookId: "msg_1",
      labId: ctx.labA,
      partnerLabId: "lab-a",
      referenceId: "ACC-100",
      remoteIp: "127.0.0.1",
      bodyBytes: 1000,
    });
  });

  it("answers a repeat with the same report and stores nothing new", async () => {
    const before = await ctx.db.$count(interpretationReports);
    const again = await ctx.store(incoming(), "msg_1");
    expect(again.duplicate).toBe(true);
    expect(await ctx.db.$count(interpretationReports)).toBe(before);
    expect(await ctx.db.$count(deliveries, eq(deliveries.outcome, "duplicate"))).toBe(1);
  });

  it("stores exactly one report for twenty identical deliveries in parallel", async () => {
    const before = await ctx.db.$count(interpretationReports);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ctx.store(incoming({ referenceId: "ACC-100" }), "msg_parallel")),
    );
    expect(new Set(results.map((r) => r.reportId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await ctx.db.$count(interpretationReports)).toBe(before + 1);
  });

  it("keeps a second report for the same lab result as a new version; the older one is superseded", async () => {
    const reports = await listReportsForLabResult(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), ctx.labResultId);
    expect(reports.map((r) => [r.version, r.superseded])).toEqual([
      [2, false],
      [1, true],
    ]);
    const [newest] = await ctx.db
      .select()
      .from(interpretationReports)
      .where(eq(interpretationReports.id, reports[0]!.id));
    expect(newest?.supersedesId).toBe(reports[1]!.id);
  });

  it("parks a report that matches no lab result, or names an unknown partner lab, as unmatched", async () => {
    const noMatch = await ctx.store(incoming({ referenceId: "ACC-404" }), "msg_nomatch");
    const unknownLab = await ctx.store(incoming({ partnerLabId: "who-knows" }), "msg_unknown");
    expect(noMatch).toMatchObject({ matched: false, labId: ctx.labA });
    expect(unknownLab).toMatchObject({ matched: false, labId: null });
    const listed = (await listUnmatchedReportsForAdmin(ctx.db, scopeFor(ctx.adminA, [ctx.labA]))).map((r) => r.id);
    expect(listed).toContain(noMatch.reportId);
    // A report of an unknown lab is no lab admin's: only the platform operator sees it.
    expect(listed).not.toContain(unknownLab.reportId);
    const forB = (await listUnmatchedReportsForAdmin(ctx.db, scopeFor(ctx.adminA, [ctx.labB]))).map((r) => r.id);
    expect(forB).not.toContain(unknownLab.reportId);
    expect(forB).not.toContain(noMatch.reportId);
    const forOperator = (await listLablessReportsForOperator(ctx.db)).map((r) => r.id);
    expect(forOperator).toContain(unknownLab.reportId);
    expect(forOperator).not.toContain(noMatch.reportId);
  });

  it("uses the only lab of a single-lab deployment when no partner lab id is given", async () => {
    // Two labs exist here, so a delivery without a partner lab id cannot be routed.
    const stored = await ctx.store(incoming({ partnerLabId: null, referenceId: "ACC-100" }), "msg_nolab");
    expect(stored.labId).toBeNull();
    expect(
      await ctx.db.$count(
        interpretationReports,
        sql`${interpretationReports.id} = ${stored.reportId} and match_state = 'unmatched'`,
      ),
    ).toBe(1);
  });

  it("gives concurrent reports for one lab result distinct versions, and the database refuses a repeated version", async () => {
    const { labResultId: fresh } = await submitForNewPatient(ctx.db, {
      labId: ctx.labA,
      userId: ctx.adminA,
      patient: { patientId: "P-CONC", givenName: "Con", familyName: "Current", birthDate: "1970-01-01", sex: "other" },
      accessionNumber: "ACC-CONC",
      fileName: "conc.pdf",
    });
    const stored = await Promise.all(
      Array.from({ length: 6 }, (_, i) => {
        const bytes = new TextEncoder().encode(`%PDF-1.4\n% copy ${i}\n%%EOF\n`);
        return ctx.store(
          incoming({
            patientId: "P-CONC",
            referenceId: "ACC-CONC",
            pdf: bytes,
            sha256: createHash("sha256").update(bytes).digest("hex"),
          }),
          `msg_conc_${i}`,
        );
      }),
    );
    expect(stored.every((r) => r.matched)).toBe(true);
    const versions = (await listReportsForLabResult(ctx.db, scopeFor(ctx.adminA, [ctx.labA]), fresh))
      .map((r) => r.version)
      .sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(
      ctx.db.execute(sql`update interpretation_reports set version = 1 where lab_result_id = ${fresh} and version = 2`),
    ).rejects.toThrow();
  });

  it("gives a report to the file sent to interpret, not to a stored-only file of the same accession accepted before it", async () => {
    const patient = {
      patientId: "P-MIX",
      givenName: "Mix",
      familyName: "Ed",
      birthDate: "1970-01-01",
      sex: "other" as const,
    };
    const common = { labId: ctx.labA, userId: ctx.adminA, patient, accessionNumber: "ACC-MIX" };
    const { labResultId: storedOnly } = await submitForNewPatient(ctx.db, {
      ...common,
      fileName: "kept.pdf",
      mode: "store_only",
    });
    const { labResultId: interpreted } = await submitForNewPatient(ctx.db, { ...common, fileName: "read.pdf" });
    // Docus accepted the stored-only file first: it has waited longer, but waits for no report.
    const acceptedAt = (secondsAgo: number) => sql`now() - make_interval(secs => ${secondsAgo})`;
    await ctx.db
      .update(labResults)
      .set({ status: "accepted", acceptedAt: acceptedAt(60) })
      .where(eq(labResults.id, storedOnly));
    await ctx.db
      .update(labResults)
      .set({ status: "accepted", acceptedAt: acceptedAt(30) })
      .where(eq(labResults.id, interpreted));

    const stored = await ctx.store(incoming({ patientId: "P-MIX", referenceId: "ACC-MIX" }), "msg_mix");
    expect(stored.matched).toBe(true);
    const statuses = await ctx.db
      .select({ id: labResults.id, status: labResults.status })
      .from(labResults)
      .where(eq(labResults.accessionNumber, "ACC-MIX"));
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({
      [storedOnly]: "accepted",
      [interpreted]: "report_ready",
    });
  });

  it("picks the lab result that the match rule (lib/docus/delivery/match.ts) picks, whatever the batch's states", async () => {
    // A small fixed-seed generator: the same scenarios every run.
    let seed = 19;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const statuses = ["accepted", "accepted", "report_ready", "failed", "queued", "rejected"] as const;
    const patient = { patientId: "P-RULE", givenName: "Rule", familyName: "Check", birthDate: "1960-02-02" };
    for (let scenario = 0; scenario < 8; scenario++) {
      const accessionNumber = `ACC-RULE-${scenario}`;
      const rows: Array<MatchCandidate & { id: string }> = [];
      for (let file = 0; file < 2 + next(3); file++) {
        const mode = next(4) === 0 ? ("store_only" as const) : ("interpret" as const);
        const { labResultId } = await submitForNewPatient(ctx.db, {
          labId: ctx.labA,
          userId: ctx.adminA,
          patient: { ...patient, sex: "other" },
          accessionNumber,
          fileName: `rule-${scenario}-${file}.pdf`,
          mode,
        });
        const status = statuses[next(statuses.length)]!;
        const createdAt = new Date(Date.UTC(2026, 0, 1, 8, scenario, file * 3 + next(3)));
        const acceptedAt =
          status === "accepted" || status === "report_ready"
            ? new Date(Date.UTC(2026, 0, 1, 9, scenario, next(50)))
            : null;
        await ctx.db.update(labResults).set({ status, createdAt, acceptedAt }).where(eq(labResults.id, labResultId));
        rows.push({ id: labResultId, mode, status, createdAt, acceptedAt });
      }
      const expected = pickReportTarget(rows);
      const stored = await ctx.store(
        incoming({ patientId: "P-RULE", referenceId: accessionNumber }),
        `msg_rule_${scenario}`,
      );
      const [report] = await ctx.db
        .select({ labResultId: interpretationReports.labResultId })
        .from(interpretationReports)
        .where(eq(interpretationReports.id, stored.reportId));
      expect({ scenario, labResultId: report?.labResultId }).toEqual({ scenario, labResultId: expected?.id });
    }
  });
});
