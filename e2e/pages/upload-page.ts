import { expect, type Locator, type Page } from "@playwright/test";

export type NewPatient = { patientId: string; givenName: string; familyName: string; birthDate: string; sex: string };

/** The technician's upload page. */
export class UploadPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/upload");
    await expect(this.page.getByRole("heading", { name: "Upload lab results", level: 1 })).toBeVisible();
  }

  async newPatient(p: NewPatient) {
    await this.page.getByRole("button", { name: "New patient" }).click();
    await this.page.getByLabel("Patient id").fill(p.patientId);
    await this.page.getByLabel("Given name").fill(p.givenName);
    await this.page.getByLabel("Family name").fill(p.familyName);
    await this.page.getByLabel("Birth date").fill(p.birthDate);
    await this.page.getByLabel("Sex").selectOption(p.sex);
  }

  async findPatient(text: string, optionName: RegExp | string) {
    await this.page.getByRole("combobox", { name: "Find patient" }).fill(text);
    await this.page.getByRole("option", { name: optionName }).click();
  }

  async details(accession: string, mode: "Interpret" | "Store only" = "Interpret", notes?: string) {
    await this.page.getByLabel("Accession number").fill(accession);
    await this.page.getByRole("radio", { name: mode }).check();
    if (notes) await this.page.getByLabel("Notes").fill(notes);
  }

  async chooseFiles(paths: string[]) {
    await this.page.getByLabel("PDF files").setInputFiles(paths);
  }

  async send(mode: "Interpret" | "Store only" = "Interpret") {
    await this.page.getByRole("button", { name: mode === "Interpret" ? "Send to Docus" : "Store at Docus" }).click();
  }

  row(fileName: string): Locator {
    return this.page.getByRole("list", { name: "Chosen files" }).getByRole("listitem").filter({ hasText: fileName });
  }
}
