import { Hl7Message } from "@medplum/core";
import type { Bundle, DiagnosticReport } from "@medplum/fhirtypes";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUser } from "@/db/queries/users";
import { auditEvents, type UserRole } from "@/db/schema";
import { storeReport, incoming, submitForNewPatient } from "@/db/testing/deliveries";
import { createLab } from "@/db/queries/labs";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { validateExportBundle } from "./fhir-validate";
import { unescapeHl7 } from "./hl7";
import { smallPdf } from "./testing";
import { createHash } from "node:crypto";

type Actor = { id: string; role: UserRole; labIds: string[]; currentLab: { id: string } | null };
const session = vi.hoisted(() => ({ actor: null as null | Actor, db: null as unknown }));
vi.mock("@/lib/account/auth", async () => {
  const { AppError } = await import("@/lib/errors");
  return {
    requireUser: async () => {
      if (!session.actor) throw new AppError("unauthenticated");
      return session.actor;
    },
  };
});
vi.mock("@/db", () => ({ getDb: async () => session.db }));

const labResultRoute = await import("@/app/api/lab-results/[id]/fhir/route");
const patientRoute = await import("@/app/api/patients/[id]/fhir/route");
const reportRoute = await import("@/app/api/reports/[id]/hl7/route");

let t: TestDb;
let labA: string;
let labB: string;
let userA: Actor;
let userB: Actor;
let labResultId: string;
let patientRef: string;
const reportIds: string[] = [];

function get(path: string, id: string, route: { GET: typeof labResultRoute.GET }) {
  return route.GET(new NextRequest(`http://localhost${path}`), { params: Promise.resolve({ id }) });
}

beforeAll(async () => {
  t = await createTestDb();
  session.db = t.db;
  labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  labB = (await createLab(t.db, { name: "Lab B", partnerLabId: "lab-b" })).id;
  const mk = async (email: string, labId: string): Promise<Actor> => {
    const id = (await createUser(t.db, { email, name: email, passwordHash: "x", role: "doctor", labIds: [labId] })).id;
    return { id, role: "doctor", labIds: [labId], currentLab: { id: labId } };
  };
  userA = await mk("doc@a.test", labA);
  userB = await mk("doc@b.test", labB);
  const submitted = await submitForNewPatient(t.db, {
    labId: labA,
    userId: userA.id,
    patient: {
      patientId: "P-100",
      givenName: "Ann^Marie",
      familyName: "O|Brien&Co~",
      birthDate: "1970-01-31",
      sex: "female",
    },
    accessionNumber: "ACC-100",
    fileName: "cbc.pdf",
  });
  labResultId = submitted.labResultId;
  patientRef = submitted.patientId;
  for (const version of [1, 2]) {
    const pdf = await smallPdf(`Interpretation v${version}`);
    const stored = await storeReport(
      t.db,
      incoming({ pdf, sha256: createHash("sha256").update(pdf).digest("hex"), fileName: `v${version}.pdf` }),
      `msg_v${version}`,
    );
    reportIds.push(stored.reportId);
  }
});

afterAll(async () => {
  await t?.close();
});

async function auditOf(action: string) {
  return t.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action)));
}

describe("export routes", () => {
  it("serves a lab result as a valid FHIR Bundle with both report versions, audited", async () => {
    session.actor = userA;
    const response = await get(`/api/lab-results/${labResultId}/fhir`, labResultId, labResultRoute);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/fhir+json");
    expect(response.headers.get("content-disposition")).toContain('filename="ACC-100.fhir.json"');
    const bundle = (await response.json()) as Bundle;
    expect(validateExportBundle(bundle)).toEqual([]);
    const statuses = bundle.entry
      ?.map((e) => e.resource)
      .filter((r): r is DiagnosticReport => r?.resourceType === "DiagnosticReport")
      .map((r) => r.status);
    expect(statuses).toEqual(["final", "final", "amended"]);
    expect(await auditOf("lab_result.fhir_export")).toMatchObject([
      { outcome: "allowed", userId: userA.id, labId: labA, labResultId, patientId: patientRef },
    ]);
  });

  it("serves a patient's history as a valid FHIR searchset, paged", async () => {
    session.actor = userA;
    const response = await get(`/api/patients/${patientRef}/fhir?page=1`, patientRef, patientRoute);
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as Bundle;
    expect(validateExportBundle(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ type: "searchset", total: 1 });
    const empty = (await (
      await get(`/api/patients/${patientRef}/fhir?page=2`, patientRef, patientRoute)
    ).json()) as Bundle;
    expect(empty.entry?.filter((e) => e.search?.mode === "match")).toEqual([]);
  });

  it("serves a report version as an HL7 ORU^R01 with the lab's sending application and the escaped name", async () => {
    session.actor = userA;
    const { labs } = await import("@/db/schema");
    await t.db
      .update(labs)
      .set({ hl7SendingApplication: "LAB-A-LIS", hl7SendingFacility: "LAB-A" })
      .where(eq(labs.id, labA));
    const response = await get(`/api/reports/${reportIds[1]}/hl7`, reportIds[1]!, reportRoute);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/hl7-v2; charset=utf-8");
    const message = Hl7Message.parse(await response.text());
    expect(message.getSegment("MSH")?.getField(3).toString()).toBe("LAB-A-LIS");
    expect(message.getSegment("MSH")?.getField(4).toString()).toBe("LAB-A");
    expect(unescapeHl7(message.getSegment("PID")!.getField(5).getComponent(1))).toBe("O|Brien&Co~");
    expect(unescapeHl7(message.getSegment("PID")!.getField(5).getComponent(2))).toBe("Ann^Marie");
    expect(message.getSegment("OBR")?.getField(25).toString()).toBe("C");
    expect(await auditOf("report.hl7_export")).toMatchObject([
      { outcome: "allowed", reportId: reportIds[1], labResultId, labId: labA },
    ]);
  });

  it("answers 404 to another lab's user for every export, and audits the denial against their lab", async () => {
    session.actor = userB;
    for (const [path, id, route, action] of [
      [`/api/lab-results/${labResultId}/fhir`, labResultId, labResultRoute, "lab_result.fhir_export"],
      [`/api/patients/${patientRef}/fhir`, patientRef, patientRoute, "patient.fhir_export"],
      [`/api/reports/${reportIds[0]}/hl7`, reportIds[0]!, reportRoute, "report.hl7_export"],
      [`/api/reports/not-a-uuid/hl7`, "not-a-uuid", reportRoute, "report.hl7_export"],
    ] as const) {
      const response = await get(path, id, route);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("P-100");
      const denied = (await auditOf(action)).filter((e) => e.outcome === "denied" && e.userId === userB.id);
      expect(denied.at(-1)).toMatchObject({ labId: labB, details: { requestedId: id } });
    }
  });

  it("answers 401 without a session", async () => {
    session.actor = null;
    expect((await get(`/api/lab-results/${labResultId}/fhir`, labResultId, labResultRoute)).status).toBe(401);
  });
});
