import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isLabActive } from "@/db/queries/lab-admin";
import { createLab } from "@/db/queries/labs";
import { auditEvents, labs, type UserRole } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

const session = vi.hoisted(() => ({
  actor: null as null | { id: string; role: UserRole; labs: { id: string; role: "admin" | "technician" | "doctor" }[] },
  db: null as unknown,
}));
vi.mock("@/lib/account/auth", () => ({
  requireRole: async (roles: UserRole | UserRole[]) => {
    const allowed = Array.isArray(roles) ? roles : [roles];
    if (!session.actor || !allowed.includes(session.actor.role)) throw new Error("forbidden");
    return session.actor;
  },
}));
vi.mock("@/db", () => ({ getDb: async () => session.db }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { createLabAction, setLabActiveAction, updateLabAction } = await import("./actions");

let t: TestDb;
let labA: string;
let labB: string;
const operator = { id: "00000000-0000-4000-8000-000000000001", role: "operator" as const, labs: [] };
/** Admin of Lab A (the lab they work in) and technician in Lab B. */
const adminA = () => ({
  id: "00000000-0000-4000-8000-000000000002",
  role: "admin" as const,
  labs: [
    { id: labA, role: "admin" as const },
    { id: labB, role: "technician" as const },
  ],
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}
const settings = { name: "Lab A", partnerLabId: "lab-a", turnaroundHours: "48", defaultUploadMode: "interpret" };

beforeAll(async () => {
  t = await createTestDb();
  session.db = t.db;
  labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  labB = (await createLab(t.db, { name: "Lab B", partnerLabId: "lab-b" })).id;
});

afterAll(async () => {
  await t?.close();
});

async function allLabs() {
  return t.db.select().from(labs).orderBy(labs.name);
}

describe("labs", () => {
  it("refuses a lab created by an admin, and another lab's edits, with nothing changed", async () => {
    session.actor = adminA();
    const before = await allLabs();
    expect(
      await createLabAction({ status: "idle" }, form({ ...settings, name: "Lab C", partnerLabId: "lab-c" })),
    ).toMatchObject({
      status: "error",
      message: "Only an operator can create labs.",
    });
    expect(
      await updateLabAction(
        { status: "idle" },
        form({ ...settings, labId: labB, name: "Mine now", partnerLabId: "lab-b" }),
      ),
    ).toMatchObject({
      status: "error",
      message: expect.stringMatching(/not found/),
    });
    expect(await setLabActiveAction({ status: "idle" }, form({ labId: labB, active: "false" }))).toMatchObject({
      status: "error",
    });
    expect(await allLabs()).toEqual(before);
    expect(await t.db.select().from(auditEvents)).toHaveLength(0);
  });

  it("refuses a partner lab id change from an admin, without telling whether another lab has it", async () => {
    session.actor = adminA();
    const before = await allLabs();
    for (const partnerLabId of ["lab-b", "lab-a-2"]) {
      const result = await updateLabAction({ status: "idle" }, form({ ...settings, labId: labA, partnerLabId }));
      expect(result).toMatchObject({ status: "error", message: "Only an operator can change the partner lab id." });
    }
    expect(await allLabs()).toEqual(before);
  });

  it("refuses a partner lab id another lab has (an operator is told)", async () => {
    session.actor = operator;
    const result = await updateLabAction({ status: "idle" }, form({ ...settings, labId: labA, partnerLabId: "lab-b" }));
    expect(result).toMatchObject({ status: "error", message: "Another lab already has that partner lab id." });
  });

  it("lets an admin edit their own lab (the partner lab id unchanged or not sent) and audits before/after", async () => {
    session.actor = adminA();
    const { partnerLabId: _omitted, ...withoutPartnerId } = settings;
    const result = await updateLabAction(
      { status: "idle" },
      form({
        ...withoutPartnerId,
        labId: labA,
        turnaroundHours: "24",
        defaultUploadMode: "store_only",
        requireTwoFactor: "on",
      }),
    );
    expect(result).toMatchObject({ status: "success", message: "Saved." });
    const [lab] = await t.db.select().from(labs).where(eq(labs.id, labA));
    expect(lab).toMatchObject({
      partnerLabId: "lab-a",
      turnaroundHours: 24,
      defaultUploadMode: "store_only",
      requireTwoFactor: true,
    });
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "lab.update"));
    expect(event).toMatchObject({
      labId: labA,
      details: {
        before: { partnerLabId: "lab-a", turnaroundHours: 48 },
        after: { partnerLabId: "lab-a", turnaroundHours: 24 },
      },
    });
  });

  it("lets an operator change a partner lab id and warns about it", async () => {
    session.actor = operator;
    const result = await updateLabAction(
      { status: "idle" },
      form({ ...settings, labId: labA, partnerLabId: "lab-a-2", turnaroundHours: "24", requireTwoFactor: "on" }),
    );
    expect(result.status).toBe("success");
    expect(result.message).toMatch(/partner lab id changed/);
    const [lab] = await t.db.select().from(labs).where(eq(labs.id, labA));
    expect(lab?.partnerLabId).toBe("lab-a-2");
  });

  it("refuses an admin's edit of a lab where they are only a technician", async () => {
    session.actor = adminA();
    const before = await allLabs();
    const result = await updateLabAction(
      { status: "idle" },
      form({ ...settings, labId: labB, name: "Lab B", partnerLabId: "lab-b", turnaroundHours: "1" }),
    );
    expect(result).toMatchObject({ status: "error", message: expect.stringMatching(/not found/) });
    expect(await allLabs()).toEqual(before);
  });

  it("turns the wrong-patient guard off and on again, each change audited with before and after", async () => {
    session.actor = adminA();
    const [before] = await t.db.select().from(labs).where(eq(labs.id, labA));
    expect(before?.wrongPatientGuard).toBe(true);
    const values = {
      name: before!.name,
      partnerLabId: before!.partnerLabId ?? "",
      turnaroundHours: String(before!.turnaroundHours),
      defaultUploadMode: before!.defaultUploadMode,
    };
    // The form sends "off" (hidden) and, when the box is checked, "on" after it.
    const off = form({ ...values, labId: labA, wrongPatientGuard: "off" });
    expect((await updateLabAction({ status: "idle" }, off)).status).toBe("success");
    expect((await t.db.select().from(labs).where(eq(labs.id, labA)))[0]?.wrongPatientGuard).toBe(false);
    const on = form({ ...values, labId: labA, wrongPatientGuard: "off" });
    on.append("wrongPatientGuard", "on");
    expect((await updateLabAction({ status: "idle" }, on)).status).toBe("success");
    expect((await t.db.select().from(labs).where(eq(labs.id, labA)))[0]?.wrongPatientGuard).toBe(true);
    // A form without the field leaves the setting as it is.
    expect((await updateLabAction({ status: "idle" }, form({ ...values, labId: labA }))).status).toBe("success");
    expect((await t.db.select().from(labs).where(eq(labs.id, labA)))[0]?.wrongPatientGuard).toBe(true);
    const changes = (
      await t.db.select().from(auditEvents).where(eq(auditEvents.action, "lab.update")).orderBy(auditEvents.at)
    )
      .map((e) => e.details as { before: { wrongPatientGuard: boolean }; after: { wrongPatientGuard: boolean } })
      .filter((d) => d.before.wrongPatientGuard !== d.after.wrongPatientGuard)
      .map((d) => [d.before.wrongPatientGuard, d.after.wrongPatientGuard]);
    expect(changes).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it("an operator creates a lab; deactivating it stops uploads and is audited", async () => {
    session.actor = operator;
    const created = await createLabAction(
      { status: "idle" },
      form({ ...settings, name: "Lab C", partnerLabId: "lab-c" }),
    );
    expect(created.status).toBe("success");
    const [labC] = await t.db.select().from(labs).where(eq(labs.name, "Lab C"));
    expect(await isLabActive(t.db, labC!.id)).toBe(true);
    expect((await setLabActiveAction({ status: "idle" }, form({ labId: labC!.id, active: "false" }))).status).toBe(
      "success",
    );
    expect(await isLabActive(t.db, labC!.id)).toBe(false);
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.labId, labC!.id));
    expect(events.map((e) => e.action).sort()).toEqual(["lab.create", "lab.deactivate"]);
  });
});
