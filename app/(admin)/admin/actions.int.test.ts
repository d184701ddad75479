import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLab } from "@/db/queries/labs";
import { createUser } from "@/db/queries/users";
import { labs, type UserRole } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

/** The Admin page's actions, each checked in the lab of the data (roles are per lab). */
const session = vi.hoisted(() => ({
  actor: null as null | {
    id: string;
    role: UserRole | null;
    labs: { id: string; role: "admin" | "technician" | "doctor" }[];
    currentLab: { id: string } | null;
    labIds: string[];
  },
  db: null as unknown,
}));
vi.mock("@/lib/account/auth", () => ({
  requireRole: async (roles: UserRole | UserRole[]) => {
    const allowed: (UserRole | null)[] = Array.isArray(roles) ? roles : [roles];
    if (!session.actor || !allowed.includes(session.actor.role)) throw new Error("forbidden");
    return session.actor;
  },
}));
vi.mock("@/db", () => ({ getDb: async () => session.db }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { setTurnaroundAction } = await import("./actions");

let t: TestDb;
let labA: string;
let labB: string;

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

async function turnaround(labId: string): Promise<number | undefined> {
  return (await t.db.select().from(labs).where(eq(labs.id, labId)))[0]?.turnaroundHours;
}

beforeAll(async () => {
  t = await createTestDb();
  session.db = t.db;
  labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  labB = (await createLab(t.db, { name: "Lab B", partnerLabId: "lab-b" })).id;
  const user = await createUser(t.db, {
    email: "admin-a-tech-b@lab.test",
    name: "Admin A",
    passwordHash: "x",
    role: "admin",
    labIds: [labA],
    memberships: [{ labId: labB, role: "technician" }],
  });
  // Working in Lab A, where they are admin; a technician in Lab B.
  session.actor = {
    id: user.id,
    role: "admin",
    labs: [
      { id: labA, role: "admin" },
      { id: labB, role: "technician" },
    ],
    currentLab: { id: labA },
    labIds: [labA],
  };
});

afterAll(async () => {
  await t?.close();
});

describe("turnaround watchdog", () => {
  it("is set by an admin in a lab they administer, and refused in a lab where they are a technician", async () => {
    const before = await turnaround(labB);
    expect(await setTurnaroundAction({ status: "idle" }, form({ labId: labB, hours: "3" }))).toMatchObject({
      status: "error",
    });
    expect(await turnaround(labB)).toBe(before);
    expect((await setTurnaroundAction({ status: "idle" }, form({ labId: labA, hours: "3" }))).status).toBe("success");
    expect(await turnaround(labA)).toBe(3);
  });
});
