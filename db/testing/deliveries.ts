import { createHash } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import type { Db } from "@/db";
import { createLabResultSubmission, type SubmissionInput } from "@/db/queries/lab-result-submissions";
import { createLab } from "@/db/queries/labs";
import { storeDeliveredReport, type IncomingReport } from "@/db/queries/system/deliveries";
import { createUser } from "@/db/queries/users";

/* What the delivery and report tests share: two labs, a lab result in the first, and deliveries for it. */

export const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\nstartxref\n0\n%%EOF\n");

/** A delivery of a report for lab A's lab result ACC-100 of patient P-100, with `overrides`. */
export function incoming(overrides: Partial<IncomingReport> = {}): IncomingReport {
  return {
    patientId: "P-100",
    referenceId: "ACC-100",
    partnerLabId: "lab-a",
    fileName: "interpretation-ACC-100.pdf",
    pdf,
    sha256: createHash("sha256").update(pdf).digest("hex"),
    metadata: {},
    ...overrides,
  };
}

/** Stores a delivery as the delivery route does, keyed by its webhook id or else by its content. */
export function storeReport(db: Db, report: IncomingReport, webhookId: string | null = null) {
  return storeDeliveredReport(db, report, {
    webhookId,
    remoteIp: "127.0.0.1",
    bodyBytes: 1000,
    idempotencyKey: (labKey) =>
      webhookId ? `wh:${webhookId}` : `h:${labKey}:${report.referenceId}:${report.patientId}:${report.sha256}`,
  });
}

type NewPatient = Omit<Extract<SubmissionInput["patient"], { kind: "new" }>, "kind">;

/** Stores `pdf` as a lab result (to interpret unless said otherwise) for a new patient, as an upload does, without queueing its send. */
export function submitForNewPatient(
  db: Db,
  input: {
    labId: string;
    userId: string;
    patient: NewPatient;
    accessionNumber: string;
    fileName: string;
    mode?: "interpret" | "store_only";
  },
) {
  return createLabResultSubmission(
    db,
    {
      labId: input.labId,
      userId: input.userId,
      patient: { kind: "new", ...input.patient },
      accessionNumber: input.accessionNumber,
      mode: input.mode ?? "interpret",
      file: { bytes: pdf, sha256: "x", fileName: input.fileName },
    },
    async () => {},
  );
}

export type TwoLabs = { labA: string; labB: string; adminA: string; labResultId: string };

/** Labs A (partner "lab-a") and B ("lab-b"), lab A's admin, and lab A's lab result ACC-100 of a new patient P-100. */
export async function seedTwoLabs(db: Db): Promise<TwoLabs> {
  const labA = (await createLab(db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  const labB = (await createLab(db, { name: "Lab B", partnerLabId: "lab-b" })).id;
  const adminA = (
    await createUser(db, { email: "admin@a.test", name: "Admin", passwordHash: "x", role: "admin", labIds: [labA] })
  ).id;
  const { labResultId } = await submitForNewPatient(db, {
    labId: labA,
    userId: adminA,
    patient: { patientId: "P-100", givenName: "Ada", familyName: "Lovelace", birthDate: "1980-01-01", sex: "female" },
    accessionNumber: "ACC-100",
    fileName: "cbc.pdf",
  });
  return { labA, labB, adminA, labResultId };
}

export type TwoLabsSuite = TwoLabs & {
  db: Db;
  /** storeReport on the suite's database. */
  store: (report: IncomingReport, webhookId?: string | null) => ReturnType<typeof storeReport>;
};

/**
 * A test file's database with the two labs of seedTwoLabs: registers a beforeAll that opens
 * the database with `open` (e.g. lib/testing's createTestDb) and seeds it, and an afterAll that
 * closes it. The returned object is filled in by that beforeAll, so read it only in tests and
 * in hooks registered after this call.
 */
export function twoLabsSuite(open: () => Promise<{ db: Db; close: () => Promise<void> }>): TwoLabsSuite {
  let close: (() => Promise<void>) | undefined;
  const suite = {
    store: (report: IncomingReport, webhookId: string | null = null) => storeReport(suite.db, report, webhookId),
  } as TwoLabsSuite;
  beforeAll(async () => {
    const opened = await open();
    close = opened.close;
    suite.db = opened.db;
    Object.assign(suite, await seedTwoLabs(opened.db));
  });
  afterAll(async () => {
    await close?.();
  });
  return suite;
}
