import { describe, expect, it } from "vitest";
import {
  OTHER_LAB_MESSAGE,
  accountWideRefusal,
  adminSeatsLost,
  administers,
  assignableRoles,
  canGrantOperator,
  canGrantRole,
  canManageUser,
  creatableRoles,
  losesOperatorSeat,
  mergeMemberships,
} from "./rules";

const operator = { id: "o", role: "operator" as const, labs: [] };
/** Admin of A, technician in C: administers A only. */
const adminA = {
  id: "a",
  role: "admin" as const,
  labs: [
    { id: "A", role: "admin" as const },
    { id: "C", role: "technician" as const },
  ],
};
const tech = (labId: string) => ({ labId, role: "technician" as const });
const doctor = (labId: string) => ({ labId, role: "doctor" as const });
const admin = (labId: string) => ({ labId, role: "admin" as const });

describe("administration rules", () => {
  it("administers only the labs where the membership is admin (an operator every lab)", () => {
    expect(administers(adminA, "A")).toBe(true);
    expect(administers(adminA, "C")).toBe(false);
    expect(administers(adminA, "B")).toBe(false);
    expect(administers(operator, "B")).toBe(true);
  });

  it("grants roles per lab: every lab role in a lab one administers, none elsewhere; operator only by an operator", () => {
    expect(assignableRoles(adminA, "A")).toEqual(["admin", "technician", "doctor"]);
    expect(assignableRoles(adminA, "B")).toEqual([]);
    expect(assignableRoles(adminA, "C")).toEqual([]);
    expect(canGrantRole(adminA, "A", "admin")).toBe(true);
    expect(canGrantRole(adminA, "B", "admin")).toBe(false);
    expect(canGrantOperator(adminA)).toBe(false);
    expect(canGrantOperator(operator)).toBe(true);
    expect(creatableRoles(adminA)).toEqual(["admin", "technician", "doctor"]);
    expect(creatableRoles(operator)).toEqual(["operator", "admin", "technician", "doctor"]);
    expect(creatableRoles({ id: "t", role: "technician", labs: [{ id: "A", role: "technician" }] })).toEqual([]);
  });

  it("lets an admin manage non-operators who belong to a lab they administer", () => {
    expect(canManageUser(adminA, { isOperator: false, memberships: [tech("A"), tech("B")] })).toBe(true);
    expect(canManageUser(adminA, { isOperator: false, memberships: [tech("B")] })).toBe(false);
    // Sharing lab C, where the actor is a technician, is not enough.
    expect(canManageUser(adminA, { isOperator: false, memberships: [tech("C")] })).toBe(false);
    expect(canManageUser(adminA, { isOperator: true, memberships: [admin("A")] })).toBe(false);
    expect(canManageUser(operator, { isOperator: true, memberships: [] })).toBe(true);
  });

  it("refuses account-wide changes on a person who is also in a lab the actor does not administer", () => {
    expect(accountWideRefusal(adminA, { isOperator: false, memberships: [tech("A")] })).toBeNull();
    expect(accountWideRefusal(adminA, { isOperator: false, memberships: [tech("A"), doctor("B")] })).toBe(
      OTHER_LAB_MESSAGE,
    );
    expect(accountWideRefusal(adminA, { isOperator: false, memberships: [tech("A"), tech("C")] })).toBe(
      OTHER_LAB_MESSAGE,
    );
    expect(accountWideRefusal(adminA, { isOperator: true, memberships: [] })).toMatch(/operator/);
    expect(accountWideRefusal(operator, { isOperator: false, memberships: [tech("A"), doctor("B")] })).toBeNull();
  });

  it("changes memberships and roles only in the actor's labs and names the labs refused", () => {
    // Removing A keeps B as it is.
    expect(mergeMemberships(adminA, [tech("A"), tech("B")], [])).toEqual({ memberships: [tech("B")], refused: [] });
    expect(mergeMemberships(adminA, [tech("B")], [doctor("A")])).toEqual({
      memberships: [doctor("A"), tech("B")],
      refused: [],
    });
    // Asking for admin of B (a lab the actor does not administer) is refused.
    expect(mergeMemberships(adminA, [tech("A"), tech("B")], [admin("A"), admin("B")])).toEqual({
      memberships: [admin("A"), tech("B")],
      refused: ["B"],
    });
    expect(mergeMemberships(adminA, [tech("A")], [tech("A"), tech("C")]).refused).toEqual(["C"]);
    // Keeping a lab one does not administer, with its role, is not granting it.
    expect(mergeMemberships(adminA, [tech("A"), doctor("B")], [tech("A"), doctor("B")])).toEqual({
      memberships: [tech("A"), doctor("B")],
      refused: [],
    });
    expect(mergeMemberships(operator, [tech("A")], [admin("C")])).toEqual({ memberships: [admin("C")], refused: [] });
  });

  it("finds the admin seats a change gives up, per lab", () => {
    const before = { active: true, memberships: [admin("A"), admin("B")] };
    expect(adminSeatsLost(before, { ...before, memberships: [admin("B")] })).toEqual(["A"]);
    expect(adminSeatsLost(before, { ...before, memberships: [admin("A"), doctor("B")] })).toEqual(["B"]);
    expect(adminSeatsLost(before, { ...before, active: false })).toEqual(["A", "B"]);
    expect(adminSeatsLost({ ...before, active: false }, { ...before, memberships: [] })).toEqual([]);
    expect(adminSeatsLost({ active: true, memberships: [tech("A")] }, { active: true, memberships: [] })).toEqual([]);
    expect(losesOperatorSeat({ isOperator: true, active: true }, { isOperator: false, active: true })).toBe(true);
    expect(losesOperatorSeat({ isOperator: true, active: false }, { isOperator: false, active: true })).toBe(false);
  });
});
