import { describe, expect, it } from "vitest";
import { pagingSummary } from "./paging";

const patients: [string, string] = ["patient", "patients"];

describe("pagingSummary", () => {
  it("says one page of a few, without a position", () => {
    expect(
      pagingSummary({ total: 1, totalIsLowerBound: false, page: 1, pageSize: 25, rowsOnPage: 1 }, patients),
    ).toEqual({
      count: "1 patient",
      position: null,
      hasPrevious: false,
      hasNext: false,
    });
    expect(
      pagingSummary({ total: 25, totalIsLowerBound: false, page: 1, pageSize: 25, rowsOnPage: 25 }, patients).position,
    ).toBeNull();
  });

  it("gives the position among an exact number of pages, with separators", () => {
    const middle = pagingSummary(
      { total: 3402, totalIsLowerBound: false, page: 2, pageSize: 25, rowsOnPage: 25 },
      patients,
    );
    expect(middle).toEqual({ count: "3,402 patients", position: "page 2 of 137", hasPrevious: true, hasNext: true });
    const last = pagingSummary(
      { total: 3402, totalIsLowerBound: false, page: 137, pageSize: 25, rowsOnPage: 2 },
      patients,
    );
    expect([last.hasPrevious, last.hasNext]).toEqual([true, false]);
  });

  it("keeps paging past a capped count while pages are full", () => {
    const first = pagingSummary(
      { total: 10_000, totalIsLowerBound: true, page: 1, pageSize: 25, rowsOnPage: 25 },
      patients,
    );
    expect(first).toEqual({
      count: "More than 10,000 patients",
      position: "page 1 of 400 or more",
      hasPrevious: false,
      hasNext: true,
    });
    const beyond = pagingSummary(
      { total: 10_000, totalIsLowerBound: true, page: 401, pageSize: 25, rowsOnPage: 25 },
      patients,
    );
    expect([beyond.position, beyond.hasNext]).toEqual(["page 401 of 401 or more", true]);
    const end = pagingSummary(
      { total: 10_000, totalIsLowerBound: true, page: 402, pageSize: 25, rowsOnPage: 3 },
      patients,
    );
    expect(end.hasNext).toBe(false);
  });
});
