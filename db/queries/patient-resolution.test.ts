import { describe, expect, it } from "vitest";
import { sameDemographics, type Demographics } from "./patient-resolution";

/** The rules by which a "new" patient of an upload is the lab's existing patient of the same id. */

const ada: Demographics = { givenName: "Ada", familyName: "Lovelace", birthDate: "1980-12-10", sex: "female" };

describe("sameDemographics", () => {
  it("is the same person when names, birth date and sex agree", () => {
    expect(sameDemographics(ada, { ...ada })).toBe(true);
  });

  it("ignores case, surrounding spaces, runs of spaces and Unicode composition in names", () => {
    expect(sameDemographics(ada, { ...ada, givenName: "  ADA ", familyName: "lovelace" })).toBe(true);
    expect(sameDemographics({ ...ada, familyName: "Van  der Berg" }, { ...ada, familyName: "van der berg" })).toBe(
      true,
    );
    // "é" composed, and "e" followed by a combining acute accent.
    expect(sameDemographics({ ...ada, givenName: "Ren\u00e9e" }, { ...ada, givenName: "Rene\u0301e" })).toBe(true);
  });

  it("is another person when any of names, birth date or sex differs", () => {
    expect(sameDemographics(ada, { ...ada, givenName: "Adah" })).toBe(false);
    expect(sameDemographics(ada, { ...ada, familyName: "Byron" })).toBe(false);
    expect(sameDemographics(ada, { ...ada, birthDate: "1980-12-11" })).toBe(false);
    expect(sameDemographics(ada, { ...ada, sex: "unknown" })).toBe(false);
  });

  it("treats a missing birth date as a value of its own", () => {
    expect(sameDemographics({ ...ada, birthDate: null }, { ...ada, birthDate: null })).toBe(true);
    expect(sameDemographics({ ...ada, birthDate: null }, ada)).toBe(false);
  });

  it("does not merge names that differ only by a letter's accent", () => {
    expect(sameDemographics({ ...ada, familyName: "Muller" }, { ...ada, familyName: "M\u00fcller" })).toBe(false);
  });
});
