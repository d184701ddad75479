import { asc, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auditEvents, labMemberships, passwordSetTokens, users, type UserRole } from "@/db/schema";
import { createLab } from "@/db/queries/labs";
import { createUser } from "@/db/queries/users";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

/**
 * The rules of who may manage whom, each tried through the server action itself: the
 * signed-in user and the database are the only things replaced.
 */
const session = vi.hoisted(() => ({
  actor: null as null | { id: string; role: UserRole; labIds: string[] },
  db: null as unknown,
}));

vi.mock("@/lib/auth", () => ({
  requireRole: async (roles: UserRole | UserRole[]) => {
    const allowed = Array.isArray(roles) ? roles : [roles];
    if (!session.actor || !allowed.includes(session.actor.role)) throw new Error("forbidden");
    return { ...session.actor, email: "actor@lab.test", name: "Actor", labs: [], currentLab: null };
  },
}));
vi.mock("@/db", () => ({ getDb: async () => session.db }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { createPersonAction, resetPasswordAction, setPersonActiveAction, updatePersonAction } =
  await import("./actions");

let t: TestDb;
const ids = { labA: "", labB: "", operator: "", adminA: "", adminB: "", techA: "", techAB: "" };

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
  return data;
}

async function actAs(userId: string) {
  const [user] = await t.db.select().from(users).where(eq(users.id, userId));
  const labs = await t.db.select().from(labMemberships).where(eq(labMemberships.userId, userId));
  session.actor = { id: userId, role: user!.role, labIds: labs.map((l) => l.labId) };
}

/** Everything the actions could change; a refusal must leave it exactly as it was. */
async function snapshot() {
  const people = await t.db
    .select({
      id: users.id,
      role: users.role,
      active: users.active,
      sv: users.sessionVersion,
      hash: users.passwordHash,
    })
    .from(users)
    .orderBy(asc(users.email));
  const memberships = await t.db
    .select({ u: labMemberships.userId, l: labMemberships.labId })
    .from(labMemberships)
    .orderBy(asc(labMemberships.userId), asc(labMemberships.labId));
  const [audit] = await t.db.select({ n: count() }).from(auditEvents);
  const [tokens] = await t.db.select({ n: count() }).from(passwordSetTokens);
  return { people, memberships, audit: audit!.n, tokens: tokens!.n };
}

async function expectRefusedUnchanged(run: () => Promise<{ status: string; message?: string }>, message: RegExp) {
  const before = await snapshot();
  const result = await run();
  expect(result.status).not.toBe("success");
  expect(result.message).toMatch(message);
  expect(await snapshot()).toEqual(before);
}

beforeAll(async () => {
  t = await createTestDb();
  session.db = t.db;
  ids.labA = (await createLab(t.db, { name: "Lab A", partnerLabId: "lab-a" })).id;
  ids.labB = (await createLab(t.db, { name: "Lab B", partnerLabId: "lab-b" })).id;
  const make = async (email: string, role: UserRole, labIds: string[]) =>
    (await createUser(t.db, { email, name: email.split("@")[0]!, passwordHash: "x", role, labIds })).id;
  ids.operator = await make("operator@lab.test", "operator", []);
  ids.adminA = await make("admin-a@lab.test", "admin", [ids.labA]);
  ids.adminB = await make("admin-b@lab.test", "admin", [ids.labB]);
  ids.techA = await make("tech-a@lab.test", "technician", [ids.labA]);
  ids.techAB = await make("tech-ab@lab.test", "technician", [ids.labA, ids.labB]);
});

afterAll(async () => {
  await t?.close();
});

beforeEach(() => {
  session.actor = null;
});

describe("people: a lab admin manages only their labs", () => {
  it("refuses to create a user in a lab the admin does not administer", async () => {
    await actAs(ids.adminA);
    await expectRefusedUnchanged(
      () =>
        createPersonAction(
          { status: "idle" },
          form({ name: "Eve", email: "eve@lab.test", role: "doctor", labIds: [ids.labB] }),
        ),
      /only add people to labs you administer/,
    );
  });

  it("refuses to edit a user of another lab, as if they did not exist", async () => {
    await actAs(ids.adminA);
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, form({ userId: ids.adminB, role: "doctor", labIds: [ids.labB] })),
      /not found/,
    );
    await expectRefusedUnchanged(
      () => setPersonActiveAction({ status: "idle" }, form({ userId: ids.adminB, active: "false" })),
      /not found/,
    );
    await expectRefusedUnchanged(
      () => resetPasswordAction({ status: "idle" }, form({ userId: ids.adminB })),
      /not found/,
    );
  });

  it("refuses to grant a lab the admin does not hold", async () => {
    await actAs(ids.adminA);
    await expectRefusedUnchanged(
      () =>
        updatePersonAction(
          { status: "idle" },
          form({ userId: ids.techA, role: "technician", labIds: [ids.labA, ids.labB] }),
        ),
      /only add people to labs you administer/,
    );
  });

  it("changes only the memberships of the admin's own labs", async () => {
    await actAs(ids.adminA);
    const result = await updatePersonAction(
      { status: "idle" },
      form({ userId: ids.techAB, role: "doctor", labIds: [] }),
    );
    expect(result.status).toBe("success");
    const labs = await t.db.select().from(labMemberships).where(eq(labMemberships.userId, ids.techAB));
    expect(labs.map((l) => l.labId)).toEqual([ids.labB]);
    const [user] = await t.db.select().from(users).where(eq(users.id, ids.techAB));
    expect(user!.role).toBe("doctor");
    // One event per lab concerned, with before and after.
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "user.update"));
    expect(events.map((e) => e.labId).sort()).toEqual([ids.labA, ids.labB].sort());
    expect(events[0]!.details).toMatchObject({
      targetUserId: ids.techAB,
      before: { role: "technician", labIds: [ids.labA, ids.labB].sort() },
      after: { role: "doctor", labIds: [ids.labB] },
    });
  });
});

describe("people: roles", () => {
  it("refuses an operator created or granted by an admin", async () => {
    await actAs(ids.adminA);
    await expectRefusedUnchanged(
      () =>
        createPersonAction(
          { status: "idle" },
          form({ name: "Op", email: "op2@lab.test", role: "operator", labIds: [ids.labA] }),
        ),
      /cannot give the role operator/,
    );
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, form({ userId: ids.techA, role: "operator", labIds: [ids.labA] })),
      /cannot give the role operator/,
    );
  });

  it("refuses every administrative action to a technician", async () => {
    await actAs(ids.techA);
    const before = await snapshot();
    await expect(
      createPersonAction(
        { status: "idle" },
        form({ name: "X", email: "x@lab.test", role: "doctor", labIds: [ids.labA] }),
      ),
    ).rejects.toThrow("forbidden");
    expect(await snapshot()).toEqual(before);
  });

  it("lets an admin create a person in their lab and returns a one-time link, audited without it", async () => {
    await actAs(ids.adminA);
    const result = await createPersonAction(
      { status: "idle" },
      form({ name: "Nina Nurse", email: "Nina@Lab.Test", role: "doctor", labIds: [ids.labA] }),
    );
    expect(result.status).toBe("success");
    expect(result.link).toMatch(/\/set-password\/[A-Za-z0-9_-]{43}$/);
    const token = result.link!.split("/").pop()!;
    const [created] = await t.db.select().from(users).where(eq(users.email, "nina@lab.test"));
    expect(created).toMatchObject({ role: "doctor", active: true, name: "Nina Nurse" });
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "user.create"));
    expect(event).toMatchObject({ labId: ids.labA, userId: ids.adminA });
    expect(event!.details).toMatchObject({
      before: null,
      after: { email: "nina@lab.test", role: "doctor", labIds: [ids.labA] },
    });
    expect(JSON.stringify(event!.details)).not.toContain(token);
    const [stored] = await t.db.select().from(passwordSetTokens).where(eq(passwordSetTokens.userId, created!.id));
    expect(stored!.tokenHash).not.toBe(token);
  });

  it("lets only an operator create an operator", async () => {
    await actAs(ids.operator);
    const result = await createPersonAction(
      { status: "idle" },
      form({ name: "Second Operator", email: "op-two@lab.test", role: "operator" }),
    );
    expect(result.status).toBe("success");
    const [created] = await t.db.select().from(users).where(eq(users.email, "op-two@lab.test"));
    expect(created!.role).toBe("operator");
  });
});

describe("people: nobody locks out the last admin of a lab or the last operator", () => {
  it("refuses to deactivate, demote or remove the last active admin of a lab", async () => {
    await actAs(ids.operator);
    await expectRefusedUnchanged(
      () => setPersonActiveAction({ status: "idle" }, form({ userId: ids.adminA, active: "false" })),
      /last active admin of Lab A/,
    );
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, form({ userId: ids.adminA, role: "doctor", labIds: [ids.labA] })),
      /last active admin of Lab A/,
    );
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, form({ userId: ids.adminA, role: "admin", labIds: [ids.labB] })),
      /last active admin of Lab A/,
    );
  });

  it("refuses an admin demoting themselves when they are their lab's last admin", async () => {
    await actAs(ids.adminB);
    await expectRefusedUnchanged(
      () =>
        updatePersonAction({ status: "idle" }, form({ userId: ids.adminB, role: "technician", labIds: [ids.labB] })),
      /last active admin of Lab B/,
    );
  });

  it("refuses to demote or deactivate the last active operator", async () => {
    const [second] = await t.db.select().from(users).where(eq(users.email, "op-two@lab.test"));
    await actAs(ids.operator);
    // Two operators: one may go; then the other is the last.
    expect(
      (await setPersonActiveAction({ status: "idle" }, form({ userId: second!.id, active: "false" }))).status,
    ).toBe("success");
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, form({ userId: ids.operator, role: "admin", labIds: [ids.labA] })),
      /last active operator/,
    );
    await actAs(ids.adminA);
    await expectRefusedUnchanged(
      () => setPersonActiveAction({ status: "idle" }, form({ userId: ids.operator, active: "false" })),
      /not found/,
    );
  });

  it("allows it once another admin holds the lab, and deactivation ends sessions", async () => {
    await actAs(ids.operator);
    expect(
      (await updatePersonAction({ status: "idle" }, form({ userId: ids.techA, role: "admin", labIds: [ids.labA] })))
        .status,
    ).toBe("success");
    const [before] = await t.db.select().from(users).where(eq(users.id, ids.adminA));
    expect(
      (await setPersonActiveAction({ status: "idle" }, form({ userId: ids.adminA, active: "false" }))).status,
    ).toBe("success");
    const [after] = await t.db.select().from(users).where(eq(users.id, ids.adminA));
    expect(after!.active).toBe(false);
    expect(after!.sessionVersion).toBe(before!.sessionVersion + 1);
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "user.deactivate"));
    const event = events.find((e) => e.details?.targetUserId === ids.adminA);
    expect(event).toMatchObject({
      labId: ids.labA,
      details: { targetUserId: ids.adminA, before: { active: true }, after: { active: false } },
    });
  });
});
