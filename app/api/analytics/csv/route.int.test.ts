import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLab } from "@/db/queries/labs";
import { createUser } from "@/db/queries/users";
import { auditEvents, type UserRole } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

/* The CSV route: the gate (doctors and admins of the current lab), the file, and its audit event. */

type Actor = { id: string; role: UserRole; labIds: string[]; currentLab: { id: string } | null };
const session = vi.hoisted(() => ({ actor: null as null | Actor, db: null as unknown }));
vi.mock("@/lib/account/auth", async () => {
  const { AppError } = await import("@/lib/errors");
  return {
    requireRole: async (roles: UserRole | UserRole[]) => {
      if (!session.actor) throw new AppError("unauthenticated");
      if (![roles].flat().includes(session.actor.role)) throw new AppError("forbidden");
      return session.actor;
    },
  };
});
vi.mock("@/db", () => ({ getDb: async () => session.db }));

const route = await import("./route");

let t: TestDb;
let labA: string;
let doctor: Actor;

beforeAll(async () => {
  t = await createTestDb();
  session.db = t.db;
  labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  const id = (
    await createUser(t.db, { email: "d@a.test", name: "D", passwordHash: "x", role: "doctor", labIds: [labA] })
  ).id;
  doctor = { id, role: "doctor", labIds: [labA], currentLab: { id: labA } };
});

afterAll(async () => {
  await t?.close();
});

const get = () => route.GET(new NextRequest("http://localhost/api/analytics/csv"));

describe("GET /api/analytics/csv", () => {
  it("refuses a technician and a signed-out visitor, and records nothing", async () => {
    session.actor = null;
    expect((await get()).status).toBe(401);
    session.actor = { ...doctor, role: "technician" };
    expect((await get()).status).toBe(403);
    expect(await t.db.select().from(auditEvents).where(eq(auditEvents.action, "analytics.export"))).toHaveLength(0);
  });

  it("answers the lab's figures as CSV for a doctor, and audits the export", async () => {
    session.actor = doctor;
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="turnaround-[\d-]+-to-[\d-]+\.csv"$/,
    );
    const rows = Papa.parse<string[]>((await response.text()).trim(), { newline: "\r\n" }).data;
    expect(rows[0]?.[0]).toBe("stage");
    // An empty lab: 6 recorded stages (sign-off included) × (whole window + 12 weeks) with count 0.
    expect(rows).toHaveLength(1 + 6 * 13);
    expect(rows[1]).toEqual(["Uploaded → sent", "all", "0", "0", "", "", "", "", "48"]);
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "analytics.export"), eq(auditEvents.userId, doctor.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: "allowed", labId: labA, details: { weeks: 12, rows: 78 } });
  });
});
