import { and, asc, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auditEvents, labMemberships, passwordSetTokens, users, type LabRole, type UserRole } from "@/db/schema";
import { createLab } from "@/db/queries/labs";
import { createUser } from "@/db/queries/users";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

/**
 * The rules of who may manage whom, each tried through the server action itself: the
 * signed-in user and the database are the only things replaced.
 */
const session = vi.hoisted(() => ({
  actor: null as null | {
    id: string;
    role: UserRole | null;
    isOperator: boolean;
    labs: { id: string; name: string; partnerLabId: string | null; role: LabRole }[];
  },
  db: null as unknown,
}));

vi.mock("@/lib/account/auth", () => ({
  // As lib/account/auth: the role is the one in the current lab (the first here), or operator.
  requireRole: async (roles: UserRole | UserRole[]) => {
    const allowed: (UserRole | null)[] = Array.isArray(roles) ? roles : [roles];
    if (!session.actor || !allowed.includes(session.actor.role)) throw new Error("forbidden");
    const currentLab = session.actor.labs[0] ?? null;
    return {
      ...session.actor,
      email: "actor@lab.test",
      name: "Actor",
      currentLab,
      labIds: currentLab ? [currentLab.id] : [],
    };
  },
}));
vi.mock("@/db", () => ({ getDb: async () => session.db }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { createPersonAction, resetPasswordAction, resetTwoFactorAction, setPersonActiveAction, updatePersonAction } =
  await import("./actions");

let t: TestDb;
const ids = { labA: "", labB: "", operator: "", adminA: "", adminB: "", techA: "", techAB: "", shared: "" };

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
  return data;
}

/** Signs in as the user, working in `currentLabId` (default: their first lab). */
async function actAs(userId: string, currentLabId?: string) {
  const [user] = await t.db.select().from(users).where(eq(users.id, userId));
  const memberships = await t.db.select().from(labMemberships).where(eq(labMemberships.userId, userId));
  const labs = memberships
    .map((m) => ({ id: m.labId, name: m.labId, partnerLabId: null, role: m.role }))
    .sort((a, b) => (a.id === currentLabId ? -1 : b.id === currentLabId ? 1 : 0));
  const role = user!.isOperator ? "operator" : (labs[0]?.role ?? null);
  session.actor = { id: userId, role, isOperator: user!.isOperator, labs };
}

/** The person edit form's fields: one `role:<labId>` per lab (absent = not a member). */
function roles(userId: string, byLab: Record<string, LabRole>, extra: Record<string, string> = {}) {
  const fields: Record<string, string> = { userId, ...extra };
  for (const [labId, role] of Object.entries(byLab)) fields[`role:${labId}`] = role;
  return form(fields);
}

async function membershipsOf(userId: string) {
  return (
    await t.db
      .select({ labId: labMemberships.labId, role: labMemberships.role })
      .from(labMemberships)
      .where(eq(labMemberships.userId, userId))
  ).sort((a, b) => a.labId.localeCompare(b.labId));
}

/** Everything the actions could change; a refusal must leave it exactly as it was. */
async function snapshot() {
  const people = await t.db
    .select({
      id: users.id,
      isOperator: users.isOperator,
      active: users.active,
      sv: users.sessionVersion,
      hash: users.passwordHash,
    })
    .from(users)
    .orderBy(asc(users.email));
  const memberships = await t.db
    .select({ u: labMemberships.userId, l: labMemberships.labId, r: labMemberships.role })
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
  // Technician in Lab A, doctor in Lab B.
  ids.shared = (
    await createUser(t.db, {
      email: "shared@lab.test",
      name: "Shared",
      passwordHash: "x",
      role: "technician",
      labIds: [ids.labA],
      memberships: [{ labId: ids.labB, role: "doctor" }],
    })
  ).id;
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
      () => updatePersonAction({ status: "idle" }, roles(ids.adminB, { [ids.labB]: "doctor" })),
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
        updatePersonAction({ status: "idle" }, roles(ids.techA, { [ids.labA]: "technician", [ids.labB]: "doctor" })),
      /only change memberships and roles in labs you administer/,
    );
  });

  it("refuses to make a person who shares Lab A an admin of Lab B", async () => {
    await actAs(ids.adminA);
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, roles(ids.shared, { [ids.labA]: "admin", [ids.labB]: "admin" })),
      /only change memberships and roles in labs you administer/,
    );
    await expectRefusedUnchanged(
      () =>
        updatePersonAction({ status: "idle" }, roles(ids.shared, { [ids.labA]: "technician", [ids.labB]: "admin" })),
      /only change memberships and roles in labs you administer/,
    );
  });

  it("applies a role change only in the admin's labs; the other lab's role stays", async () => {
    await actAs(ids.adminA);
    // The form shows Lab A only: Lab B's doctor membership is not sent and stays.
    const result = await updatePersonAction({ status: "idle" }, roles(ids.shared, { [ids.labA]: "admin" }));
    expect(result.status).toBe("success");
    expect(await membershipsOf(ids.shared)).toEqual(
      [
        { labId: ids.labA, role: "admin" },
        { labId: ids.labB, role: "doctor" },
      ].sort((a, b) => a.labId.localeCompare(b.labId)),
    );
    expect((await updatePersonAction({ status: "idle" }, roles(ids.shared, { [ids.labA]: "technician" }))).status).toBe(
      "success",
    );
    expect((await membershipsOf(ids.shared)).find((m) => m.labId === ids.labA)?.role).toBe("technician");
  });

  it("refuses account-wide actions on a person also in a lab the admin does not administer; an operator may", async () => {
    await actAs(ids.adminA);
    const message = /also a member of a lab you do not administer: ask an operator/;
    await expectRefusedUnchanged(() => resetPasswordAction({ status: "idle" }, form({ userId: ids.shared })), message);
    await expectRefusedUnchanged(() => resetTwoFactorAction({ status: "idle" }, form({ userId: ids.shared })), message);
    await expectRefusedUnchanged(
      () => setPersonActiveAction({ status: "idle" }, form({ userId: ids.shared, active: "false" })),
      message,
    );
    // Someone only in Lab A: the admin may.
    expect((await resetPasswordAction({ status: "idle" }, form({ userId: ids.techA }))).status).toBe("success");
    await actAs(ids.operator);
    const reset = await resetPasswordAction({ status: "idle" }, form({ userId: ids.shared }));
    expect(reset.status).toBe("success");
    expect(reset.link).toMatch(/\/set-password\//);
  });

  it("refuses an admin action from a session working in a lab where the actor is not admin", async () => {
    // The same admin of Lab A, working in Lab B where they are a technician here: no admin action.
    await t.db.insert(labMemberships).values({ userId: ids.adminA, labId: ids.labB, role: "technician" });
    try {
      await actAs(ids.adminA, ids.labB);
      await expect(resetPasswordAction({ status: "idle" }, form({ userId: ids.techA }))).rejects.toThrow("forbidden");
    } finally {
      await t.db
        .delete(labMemberships)
        .where(and(eq(labMemberships.userId, ids.adminA), eq(labMemberships.labId, ids.labB)));
    }
  });

  it("changes only the memberships of the admin's own labs", async () => {
    await actAs(ids.adminA);
    const result = await updatePersonAction({ status: "idle" }, roles(ids.techAB, {}));
    expect(result.status).toBe("success");
    expect(await membershipsOf(ids.techAB)).toEqual([{ labId: ids.labB, role: "technician" }]);
    // One event per lab concerned, with before and after.
    const events = (await t.db.select().from(auditEvents).where(eq(auditEvents.action, "user.update"))).filter(
      (e) => (e.details as { targetUserId?: string }).targetUserId === ids.techAB,
    );
    expect(events.map((e) => e.labId).sort()).toEqual([ids.labA, ids.labB].sort());
    expect(events[0]!.details).toMatchObject({
      targetUserId: ids.techAB,
      before: {
        isOperator: false,
        memberships: [
          { labId: ids.labA, role: "technician" },
          { labId: ids.labB, role: "technician" },
        ].sort((a, b) => a.labId.localeCompare(b.labId)),
      },
      after: { isOperator: false, memberships: [{ labId: ids.labB, role: "technician" }] },
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
      () => updatePersonAction({ status: "idle" }, roles(ids.techA, { [ids.labA]: "technician" }, { operator: "on" })),
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
    expect(created).toMatchObject({ isOperator: false, active: true, name: "Nina Nurse" });
    expect(await membershipsOf(created!.id)).toEqual([{ labId: ids.labA, role: "doctor" }]);
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "user.create"));
    expect(event).toMatchObject({ labId: ids.labA, userId: ids.adminA });
    expect(event!.details).toMatchObject({
      before: null,
      after: { email: "nina@lab.test", isOperator: false, memberships: [{ labId: ids.labA, role: "doctor" }] },
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
    expect(created!.isOperator).toBe(true);
    expect(await membershipsOf(created!.id)).toEqual([]);
  });

  it("refuses an operator adding themselves to a lab", async () => {
    await actAs(ids.operator);
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, roles(ids.operator, { [ids.labA]: "admin" })),
      /cannot change your own roles or labs/,
    );
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
      () => updatePersonAction({ status: "idle" }, roles(ids.adminA, { [ids.labA]: "doctor" })),
      /last active admin of Lab A/,
    );
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, roles(ids.adminA, { [ids.labB]: "admin" })),
      /last active admin of Lab A/,
    );
  });

  it("counts admins per lab: an admin of another lab does not hold this one", async () => {
    await actAs(ids.operator);
    // techAB is a technician in Lab B; adminB is Lab B's only admin.
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, roles(ids.adminB, { [ids.labB]: "doctor", [ids.labA]: "admin" })),
      /last active admin of Lab B/,
    );
  });

  it("refuses an admin changing their own roles (a last admin cannot demote themselves)", async () => {
    await actAs(ids.adminB);
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, roles(ids.adminB, { [ids.labB]: "technician" })),
      /cannot change your own roles or labs/,
    );
  });

  it("refuses to demote or deactivate the last active operator", async () => {
    const [second] = await t.db.select().from(users).where(eq(users.email, "op-two@lab.test"));
    await actAs(ids.operator);
    // Two operators: one may go; then the other is the last.
    expect(
      (await setPersonActiveAction({ status: "idle" }, form({ userId: second!.id, active: "false" }))).status,
    ).toBe("success");
    // The last operator could only demote themselves, which nobody may.
    await expectRefusedUnchanged(
      () => updatePersonAction({ status: "idle" }, roles(ids.operator, {}, { operator: "off" })),
      /cannot change your own roles or labs/,
    );
    await actAs(ids.adminA);
    await expectRefusedUnchanged(
      () => setPersonActiveAction({ status: "idle" }, form({ userId: ids.operator, active: "false" })),
      /not found/,
    );
  });

  it("allows it once another admin holds the lab, and deactivation ends sessions", async () => {
    await actAs(ids.operator);
    expect((await updatePersonAction({ status: "idle" }, roles(ids.techA, { [ids.labA]: "admin" }))).status).toBe(
      "success",
    );
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
