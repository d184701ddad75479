import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { columnForHeader, manifestTemplateCsv } from "./columns";
import { parseManifestCsv, parseManifestXlsx } from "./parse";
import { buildXlsx } from "./xlsx-fixture";

const header = "file_name,patient_id,given_name,family_name,birth_date,sex,accession_number,mode,notes";

describe("manifest headers", () => {
  it("knows each column by its template name and by common aliases, in any case or punctuation", () => {
    expect(columnForHeader("File Name")).toBe("fileName");
    expect(columnForHeader("PDF")).toBe("fileName");
    expect(columnForHeader("MRN")).toBe("patientId");
    expect(columnForHeader("First name")).toBe("givenName");
    expect(columnForHeader("Surname")).toBe("familyName");
    expect(columnForHeader("Date of birth")).toBe("birthDate");
    expect(columnForHeader("DOB")).toBe("birthDate");
    expect(columnForHeader("Gender")).toBe("sex");
    expect(columnForHeader("Accession no.")).toBe("accessionNumber");
    expect(columnForHeader("reference_id")).toBe("accessionNumber");
    expect(columnForHeader("Patient e-mail")).toBe("patientEmail");
    expect(columnForHeader("doctor_email")).toBe("physicianEmail");
    expect(columnForHeader("Comments")).toBe("notes");
    expect(columnForHeader("Date de naissance")).toBeUndefined();
  });
});

describe("parseManifestCsv", () => {
  it("reads rows by column, numbering lines as a spreadsheet does and skipping empty lines", () => {
    const csv = `${header}\r\na.pdf,P-1,Ada,Lovelace,1980-12-10,female,ACC-1,interpret,"Fasting, early"\r\n,,,,,,,,\r\n\r\nb.pdf,P-2,Alan,Turing,1954-06-07,m,ACC-2,store only,\r\n`;
    const parsed = parseManifestCsv(csv);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 5]);
    expect(parsed.rows[0]!.values).toMatchObject({ fileName: "a.pdf", notes: "Fasting, early", mode: "interpret" });
    expect(parsed.rows[1]!.values).toMatchObject({ patientId: "P-2", sex: "m", mode: "store only" });
  });

  it("takes a byte order mark, semicolons and aliased headers, and lists the headers it ignores", () => {
    const csv = `\uFEFFPDF;MRN;First name;Surname;DOB;Gender;Accession;Ward\na.pdf;P-1;Ada;Lovelace;1980-12-10;f;ACC-1;3B\n`;
    const parsed = parseManifestCsv(csv);
    expect(parsed.problems).toEqual([]);
    expect(parsed.ignoredHeaders).toEqual(["Ward"]);
    expect(parsed.rows[0]!.values).toEqual({
      fileName: "a.pdf",
      patientId: "P-1",
      givenName: "Ada",
      familyName: "Lovelace",
      birthDate: "1980-12-10",
      sex: "f",
      accessionNumber: "ACC-1",
    });
  });

  it("names each missing required column once, and a column given twice", () => {
    const parsed = parseManifestCsv("file,patient id,first name,given name,sex\na.pdf,P-1,Ada,Ada,f\n");
    const messages = parsed.problems.map((p) => p.message);
    expect(messages).toContain("The columns “first name” and “given name” both mean given name. Keep one of them.");
    expect(messages).toContain(
      "The manifest has no family name column. Add a column named “family_name” (see the template).",
    );
    expect(messages).toContain(
      "The manifest has no birth date column. Add a column named “birth_date” (see the template).",
    );
    expect(messages).toContain(
      "The manifest has no accession number column. Add a column named “accession_number” (see the template).",
    );
  });

  it("says when the manifest is empty or has only a header", () => {
    expect(parseManifestCsv("").problems.map((p) => p.message)).toEqual(["The manifest is empty."]);
    expect(parseManifestCsv(`${header}\n`).problems.map((p) => p.message)).toEqual([
      "The manifest has no rows below its header.",
    ]);
  });

  it("says where a quotation mark is never closed", () => {
    const parsed = parseManifestCsv(`${header}\na.pdf,P-1,"Ada,Lovelace,1980-12-10,female,ACC-1,,\n`);
    expect(parsed.problems.some((p) => p.code === "manifest_unreadable")).toBe(true);
  });

  it("the template parses with no problem, and public/manifest-template.csv is the template", () => {
    expect(parseManifestCsv(manifestTemplateCsv()).problems).toEqual([]);
    const published = readFileSync(path.join(process.cwd(), "public", "manifest-template.csv"), "utf8");
    expect(published).toBe(manifestTemplateCsv());
  });
});

describe("parseManifestXlsx", () => {
  it("reads the first sheet of a workbook: strings, numbers as digits and date cells as YYYY-MM-DD", async () => {
    const xlsx = buildXlsx([
      ["File name", "Patient ID", "Given name", "Family name", "Date of birth", "Sex", "Accession number", "Mode"],
      ["a.pdf", 1001, "Ada", "Lovelace", new Date(Date.UTC(1980, 11, 10)), "female", "ACC-1", "Interpret"],
      [null, null, null, null, null, null, null, null],
      ["b.pdf", "P-2", "Alan", "Turing", "1954-06-07", "male", "ACC-2", "Store only"],
    ]);
    const parsed = await parseManifestXlsx(
      xlsx.buffer.slice(xlsx.byteOffset, xlsx.byteOffset + xlsx.byteLength) as ArrayBuffer,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(parsed.rows[0]!.values).toMatchObject({ fileName: "a.pdf", patientId: "1001", birthDate: "1980-12-10" });
    expect(parsed.rows[1]!.values).toMatchObject({ patientId: "P-2", mode: "Store only" });
  });

  it("says so when the file is not a workbook", async () => {
    const parsed = await parseManifestXlsx(new TextEncoder().encode("not a zip").buffer as ArrayBuffer);
    expect(parsed.problems.map((p) => p.message)).toEqual([
      "The manifest could not be read as an Excel workbook (.xlsx). Save it again as .xlsx or as CSV.",
    ]);
  });
});
