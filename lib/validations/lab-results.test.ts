import { describe, expect, it } from "vitest";
import { accessionNumberSchema, describeFileProblem, newPatientSchema, patientChoiceSchema } from "./lab-results";

describe("accessionNumberSchema", () => {
  it("accepts 1-64 letters, digits, '.', '_' and '-', trimmed", () => {
    expect(accessionNumberSchema.parse("  ACC-2026.11_23  ")).toBe("ACC-2026.11_23");
    expect(accessionNumberSchema.parse("A")).toBe("A");
    expect(accessionNumberSchema.parse("x".repeat(64))).toHaveLength(64);
  });

  it.each([
    ["", "Enter the accession number."],
    ["x".repeat(65), "The accession number is at most 64 characters."],
    ["ACC 1", "Use only letters, digits, '.', '_' and '-' in the accession number."],
    ["ACC/1", "Use only letters, digits, '.', '_' and '-' in the accession number."],
    ["ACCé1", "Use only letters, digits, '.', '_' and '-' in the accession number."],
  ])("refuses %j with a message a technician understands", (value, message) => {
    const result = accessionNumberSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });
});

describe("new patients", () => {
  const valid = { patientId: "P-1", givenName: "Ada", familyName: "Lovelace", birthDate: "1985-12-10", sex: "female" };
  it("accepts a complete patient", () => {
    expect(newPatientSchema.parse(valid)).toEqual(valid);
  });
  it("refuses a birth date in the future or before 1900", () => {
    expect(newPatientSchema.safeParse({ ...valid, birthDate: "2999-01-01" }).success).toBe(false);
    expect(newPatientSchema.safeParse({ ...valid, birthDate: "1899-12-31" }).success).toBe(false);
  });
  it("needs either an existing patient's id or the new patient's fields", () => {
    expect(patientChoiceSchema.safeParse({ patientChoice: "existing", patientRef: "not-a-uuid" }).success).toBe(false);
    expect(patientChoiceSchema.safeParse({ patientChoice: "new", ...valid }).success).toBe(true);
  });
});

describe("describeFileProblem (the browser's pre-check)", () => {
  it("passes a PDF within the limit", () => {
    expect(describeFileProblem({ name: "cbc.pdf", type: "application/pdf", size: 1000 }, 20)).toBeNull();
  });
  it("names the file and the problem", () => {
    expect(describeFileProblem({ name: "scan.png", type: "image/png", size: 1000 }, 20)).toBe(
      "scan.png is not a PDF file.",
    );
    expect(describeFileProblem({ name: "empty.pdf", type: "application/pdf", size: 0 }, 20)).toBe(
      "empty.pdf is empty.",
    );
    expect(describeFileProblem({ name: "big.pdf", type: "application/pdf", size: 21 * 1024 * 1024 }, 20)).toBe(
      "big.pdf is larger than the 20 MB limit.",
    );
  });
});
