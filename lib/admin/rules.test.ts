import { describe, expect, it } from "vitest";
import {
  adminSeatsLost,
  assignableRoles,
  canGrantRole,
  canManageUser,
  losesOperatorSeat,
  mergeMemberships,
} from "./rules";

const operator = { id: "o", role: "operator" as const, labIds: [] };
const adminA = { id: "a", role: "admin" as const, labIds: ["A"] };

describe("administration rules", () => {
  it("lets only an operator grant operator", () => {
    expect(assignableRoles(adminA)).toEqual(["admin", "technician", "doctor"]);
    expect(canGrantRole(adminA, "operator")).toBe(false);
    expect(canGrantRole(operator, "operator")).toBe(true);
    expect(assignableRoles({ id: "t", role: "technician", labIds: ["A"] })).toEqual([]);
  });

  it("lets an admin manage non-operators who share a lab", () => {
    expect(canManageUser(adminA, { role: "doctor", labIds: ["A", "B"] })).toBe(true);
    expect(canManageUser(adminA, { role: "doctor", labIds: ["B"] })).toBe(false);
    expect(canManageUser(adminA, { role: "operator", labIds: ["A"] })).toBe(false);
    expect(canManageUser(operator, { role: "operator", labIds: [] })).toBe(true);
  });

  it("changes only the memberships of the actor's labs and names the labs refused", () => {
    expect(mergeMemberships(adminA, ["A", "B"], [])).toEqual({ labIds: ["B"], refused: [] });
    expect(mergeMemberships(adminA, ["B"], ["A"])).toEqual({ labIds: ["A", "B"], refused: [] });
    expect(mergeMemberships(adminA, ["A"], ["A", "C"])).toEqual({ labIds: ["A"], refused: ["C"] });
    // Keeping a lab one does not administer is not granting it.
    expect(mergeMemberships(adminA, ["A", "B"], ["A", "B"])).toEqual({ labIds: ["A", "B"], refused: [] });
    expect(mergeMemberships(operator, ["A"], ["C"])).toEqual({ labIds: ["C"], refused: [] });
  });

  it("finds the admin seats a change gives up", () => {
    const before = { role: "admin" as const, active: true, labIds: ["A", "B"] };
    expect(adminSeatsLost(before, { ...before, labIds: ["B"] })).toEqual(["A"]);
    expect(adminSeatsLost(before, { ...before, role: "doctor" })).toEqual(["A", "B"]);
    expect(adminSeatsLost(before, { ...before, active: false })).toEqual(["A", "B"]);
    expect(adminSeatsLost({ ...before, active: false }, { ...before, labIds: [] })).toEqual([]);
    expect(losesOperatorSeat({ role: "operator", active: true }, { role: "admin", active: true })).toBe(true);
    expect(losesOperatorSeat({ role: "operator", active: false }, { role: "admin", active: true })).toBe(false);
  });
});
